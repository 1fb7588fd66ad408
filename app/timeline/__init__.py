"""A run's timeline: keyframes (exact checkpoints) and the changes made along the way, so any recorded step
can be reached again exactly (app/timeline/timeline.py), by restoring a keyframe and replaying
(app/timeline/replay.py), and stored columnar in the state file (app/timeline/columns.py)."""
