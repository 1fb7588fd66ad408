"""What a session knows about dead ends (`Recovery`): its recent keyframes (app/sessions/ring.py), the
loss it has reached at best, whether it is saturated, and the way back from a divergence or a saturation
(the keyframe to go back to and a learning rate tried from there).

A keyframe is the engine's exact raw checkpoint (Lab.checkpoint(raw=True), as a timeline's) plus its
training loss, the run's best-so-far loss at that step and, when looked at, whether it was saturated.
Keyframes are taken when a loss-curve point is recorded at a new step (after a step request, at most once
per frame while playing), at least (step − first kept step) / recovery_max_keyframes iterations apart:
every point early in a run, sparser later, so the ring spans the whole run at a cost per frame that falls
as it grows. One run segment at a time: a reset, a rebuild, an edit of the parameters or a change of the
data starts a new one (the way back never undoes something the user did, only training since); live
changes of hyperparameters stay within a segment.

The ring is bounded by Settings.recovery_max_keyframes and recovery_max_bytes (of the keyframes' own
parts, app/timeline/timeline.py's keyframe_bytes; the data set, one object shared by every keyframe of a
segment and by the session, is not counted), thinned by age past a bound, never dropping the newest or the
lowest-loss keyframe (the way back always has somewhere calm to go).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.config import LIMITS, Settings
from app.engine import health
from app.engine.errors import DivergenceError, EngineError
from app.engine.lab import Lab
from app.engine.labconfig import hidden_activations
from app.sessions.ring import Keyframe, KeyframeRing
from app.timeline.timeline import data_bytes, keyframe_bytes


@dataclass(frozen=True)
class PendingSaturation:
    """A saturation just found, whose way back is still to be tried (off the event loop: Publisher.settle)."""

    segment: int
    rate: float
    frame: Keyframe
    since: int
    units: int
    counted: int
    targets: list[Keyframe]

    def report(self) -> dict[str, Any]:
        """The saturated message's report, the way back tried (trains copies: seconds of work at worst)."""
        return saturation_report(self.rate, self.frame, self.since, self.units, self.counted, self.targets)


@dataclass
class Recovery:
    """A session's keyframes and dead-end state (see the module's docstring)."""

    ring: KeyframeRing = field(default_factory=KeyframeRing)
    best: float | None = None
    saturated: dict[str, Any] | None = None  # the saturation report while the run is saturated
    last_check: int | None = None
    streak: list[tuple[int, float | None]] = field(default_factory=list)  # consecutive saturated checks
    pending: PendingSaturation | None = None  # found, its way back not tried yet
    segment: int = 0  # counts the run segments, so a late way back is not given to a new one
    _lab: Lab | None = None
    _data_of: Any = None  # the segment's Dataset (its keyframes share it), once one is taken
    _data_bytes: int = 0

    def new_segment(self) -> None:
        """Forget the run so far: keyframes, best loss, saturation."""
        self.ring.clear()
        self.best, self.saturated, self.last_check, self.pending = None, None, None, None
        self.streak = []
        self._data_of = None
        self.segment += 1

    def take_pending(self) -> PendingSaturation | None:
        """The saturation found but not reported yet (and forget it)."""
        pending, self.pending = self.pending, None
        return pending

    def settle(self, pending: PendingSaturation, report: dict[str, Any]) -> dict[str, Any] | None:
        """Keep the report of `pending` unless its run segment has ended meanwhile; the message to send."""
        if pending.segment != self.segment or self.saturated is not None:
            return None
        self.saturated = report
        return {"type": "saturation", "saturated": report}

    def adopt(self, lab: Lab, step: int) -> None:
        """Continue the segment with `lab`, restored from the keyframe of `step`; later ones are dropped."""
        self.ring.drop_after(step)
        self._lab, self._data_of = lab, lab.data
        kept = self.ring.frames
        self.best = min((f.loss for f in kept if f.loss is not None), default=None)
        self.saturated, self.streak = None, []
        self.last_check = max((f.step for f in kept if f.saturated is not None), default=None)

    def note(self, lab: Lab, metrics: dict[str, Any], settings: Settings) -> dict[str, Any] | None:
        """A loss-curve point was recorded at the lab's current state: keep a keyframe, look for saturation
        when due; a `saturation` message to send when that state changed, else None."""
        step = int(lab.cursor["step"])
        newest = self.ring.newest
        was_saturated = self.saturated is not None
        if lab is not self._lab or (self._data_of is not None and lab.data is not self._data_of):
            self.new_segment()
        elif newest is not None and (
            step < newest.step
            or (step == newest.step and not np.array_equal(newest.theta, lab.network.theta))
        ):
            self.new_segment()  # a reset, or parameters edited at this step
        self._lab = lab
        loss = metrics.get("train_loss")
        loss = float(loss) if loss is not None and math.isfinite(loss) else None
        if loss is not None:
            self.best = loss if self.best is None else min(self.best, loss)
        cleared = was_saturated and self.saturated is None
        newest = self.ring.newest
        if newest is not None and step > newest.step:
            spacing = max(1, (step - self.ring.frames[0].step) // settings.recovery_max_keyframes)
            if step - newest.step < spacing:  # a keyframe not due yet
                return {"type": "saturation", "saturated": None} if cleared else None
        saved = lab.checkpoint(raw=True)
        if self._data_of is None:
            self._data_of, self._data_bytes = lab.data, data_bytes(saved)
        frame = Keyframe(step, loss, self.best, saved, saved["theta"], keyframe_bytes(saved))
        message = self._look_for_saturation(lab, frame, settings)
        if message is None and cleared:
            message = {"type": "saturation", "saturated": None}  # a new segment: no longer stuck
        bounds = settings.recovery_max_keyframes, settings.recovery_max_bytes
        self.ring.add(frame, self._data_bytes, *bounds)
        return message

    def _look_for_saturation(self, lab: Lab, frame: Keyframe, settings: Settings) -> dict[str, Any] | None:
        """Check saturation when due (at most every saturation_check_iterations iterations)."""
        due = self.last_check is None or frame.step - self.last_check >= settings.saturation_check_iterations
        if not due:
            return None
        self.last_check = frame.step
        config = lab.config
        names = list(hidden_activations(config))
        if health.output_saturates(config.output_activation, config.loss):
            names.append(config.output_activation)
        units, counted = health.saturated_units(lab.network, lab.data.x_train, names)
        frame.saturated = health.mostly_saturated(units, counted)
        if not frame.saturated:
            self.streak = []
            if self.saturated is not None:
                self.saturated = None
                return {"type": "saturation", "saturated": None}
            return None
        self.streak.append((frame.step, frame.loss))
        first = self.streak[0][0]
        if (
            self.saturated is not None
            or self.pending is not None
            or frame.step - first < LIMITS.saturation_min_iterations
            or not health.flat([loss for _, loss in self.streak])
        ):
            return None
        rate = float(lab.config.learning_rate)
        targets = self._before_saturation(first)
        self.pending = PendingSaturation(self.segment, rate, frame, first, units, counted, targets)
        return None

    def _before_saturation(self, since: int) -> list[Keyframe]:
        """The keyframes before `since` that were looked at and found unsaturated, newest first."""
        return [f for f in reversed(self.ring.frames) if f.step < since and f.saturated is False]

    def before_blowup(self) -> list[Keyframe]:
        """The keyframes whose loss had not begun to blow up (health.calm), newest first."""
        return [f for f in reversed(self.ring.frames) if health.calm(f.loss, f.best)]


def probe_iterations(lab: Lab) -> int:
    """Iterations a rate is tried for: recovery_probe_iterations, fewer when batch × parameters is large."""
    per = max(1, int(lab.config.batch_size) * int(lab.network.theta.size))
    return max(1, min(LIMITS.recovery_probe_iterations, LIMITS.recovery_probe_work // per))


def try_rate(frame: Keyframe, rate: float, iterations: int) -> float | None:
    """The training loss after `iterations` at `rate` from `frame`, or None if that diverges."""
    lab = Lab.restore(frame.saved)
    try:
        lab.set_hyper(learning_rate=rate)
        lab.train(iterations)
    except (DivergenceError, EngineError):
        return None
    loss = lab.metrics()["train_loss"]
    return None if loss is None else float(loss)


def way_back(frames: list[Keyframe], rate: float, keep_rate: bool) -> dict[str, Any] | None:
    """{"step", "learning_rate", "loss"}: of the candidate keyframes (newest first, at most
    LIMITS.recovery_max_targets of them), the first from which a tried rate (rate itself first if
    `keep_rate`, then rate·f, rate·f², ...) trains on finite and ends below the keyframe's loss, with that
    rate; the newest candidate with the lowest rate when none does. None when there is no candidate."""
    if not frames:
        return None
    for frame in frames[: LIMITS.recovery_max_targets]:
        found = _first_rate(frame, rate, keep_rate)
        if found is not None:
            return {"step": frame.step, "learning_rate": found, "loss": frame.loss}
    return {"step": frames[0].step, "learning_rate": _rates(rate, keep_rate)[-1], "loss": frames[0].loss}


def _rates(rate: float, keep_rate: bool) -> list[float]:
    """The rates to try, largest first, never below learning_rate_min (3 significant digits)."""
    factor, lowest = LIMITS.recovery_rate_factor, LIMITS.learning_rate_min
    first = 0 if keep_rate else 1
    rates: list[float] = []
    for i in range(first, first + LIMITS.recovery_rate_tries):
        candidate = max(lowest, float(f"{rate * factor**i:.3g}"))
        if candidate not in rates:
            rates.append(candidate)
    return rates


def _first_rate(frame: Keyframe, rate: float, keep_rate: bool) -> float | None:
    """The first rate of _rates that trains on from `frame` to below its loss, or None."""
    if frame.loss is None:
        return None
    iterations = probe_iterations(Lab.restore(frame.saved))
    for candidate in _rates(rate, keep_rate):
        loss = try_rate(frame, candidate, iterations)
        if loss is not None and loss < frame.loss:
            return candidate
    return None


def saturation_report(
    rate: float, frame: Keyframe, since: int, units: int, counted: int, targets: list[Keyframe]
) -> dict[str, Any]:
    """The saturated message's report: since when, how many units, and the way back (at rate `rate`)."""
    recover = way_back(targets, rate, keep_rate=True)
    where = "reset, or re-randomise"
    if recover is not None:
        where = f"go back to step {recover['step']} and continue at η = {recover['learning_rate']:g}"
    return {
        "step": frame.step,
        "since": since,
        "units": units,
        "counted": counted,
        "loss": frame.loss,
        "learning_rate": rate,
        "message": (
            f"{units} of {counted} neurons are saturated (g′(z) ≈ 0 on nearly every training "
            f"example) and the loss has not moved since step {since}: the gradients vanish, so training "
            "cannot get out."
        ),
        "suggestion": f"Lowering the rate now does not help; {where}.",
        "recover": recover,
    }
