"""Every limit and default number of Backprop Lab lives here and nowhere else.

Standard library only, so the engine (pure NumPy) can read its limits from here too.
Server settings can be overridden by environment variables named BACKPROP_<FIELD> (upper case),
for example BACKPROP_PORT=9000 or BACKPROP_ALLOWED_ORIGINS="http://a:1,http://b:2".
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from app import netaddr


@dataclass(frozen=True)
class EngineLimits:
    """Bounds on what a network, its data and its training may be."""

    max_hidden_layers: int = 6
    max_neurons: int = 16
    max_inputs: int = 16
    max_outputs: int = 10
    max_points: int = 2000  # examples in one data set (train + test)
    min_points: int = 4
    max_custom_rows: int = 1000
    max_csv_bytes: int = 200 * 1024  # an imported CSV's text, UTF-8 (app/engine/csvdata.py): one message
    max_csv_name: int = 60  # characters of a column's or a class's name
    max_abs_input: float = 1e6  # custom inputs and targets, explicit parameters
    learning_rate_min: float = 1e-5
    learning_rate_max: float = 10.0
    regularization_rate_max: float = 10.0
    momentum_max: float = 0.999
    noise_max: float = 0.5  # noise as a fraction of the data's scale (0..50 in TF Playground's %)
    train_fraction_min: float = 0.1
    train_fraction_max: float = 0.9
    max_seed: int = 2**32 - 1
    # A value beyond this (or non-finite) counts as divergence: training stops, last finite state kept.
    divergence_threshold: float = 1e12
    grid_resolution_min: int = 8
    grid_resolution_max: int = 200
    leaky_relu_slope: float = 0.01
    adam_beta1: float = 0.9
    adam_beta2: float = 0.999
    adam_epsilon: float = 1e-8
    # The 2-D data sets, their grids and added points live on the plane [-w, w]² (TF Playground's).
    domain_half_width: float = 6.0
    # Gradient check: fourth-order central differences with steps ±h, ±2h: round-off ~1e-12 of the loss,
    # against ~1e-10 for the 2-point formula at h = 1e-6, so small gradients check well too.
    gradcheck_step: float = 1e-4
    # The gradient check perturbs every parameter 4 times over the rows it checks (cost ∝ parameters × rows):
    # it uses at most this many examples of the batch.
    gradcheck_max_examples: int = 32
    # Dead ends (app/engine/health.py). A loss above blowup_factor × the run's best-so-far has begun to
    # blow up.
    blowup_factor: float = 2.0
    # A unit is saturated when g'(z) ≤ saturation_slope × g's largest slope on at least saturation_examples
    # of the training examples; a run is, when saturation_units of its units are (hidden ones, and the
    # output's when its g' enters δ^L) and the loss moved by at most saturation_flat (relative) over
    # saturation_min_iterations iterations (SGD's noise alone moves a healthy run's loss far more).
    saturation_slope: float = 0.02
    saturation_examples: float = 0.8
    saturation_units: float = 0.6
    saturation_flat: float = 1e-6
    saturation_min_iterations: int = 300
    # The way out (app/sessions/keyframes.py): rates η·f, η·f², ... (f = recovery_rate_factor, at most
    # recovery_rate_tries of them, never below learning_rate_min) are tried from the calm checkpoints
    # (newest first, at most recovery_max_targets), each for recovery_probe_iterations iterations (fewer for
    # large networks: at most recovery_probe_work multiply-adds of batch × parameters per try); the first
    # checkpoint and rate whose training stays finite and ends below the checkpoint's loss are suggested.
    recovery_rate_factor: float = 0.1
    recovery_rate_tries: int = 4
    recovery_max_targets: int = 3
    recovery_probe_iterations: int = 500
    recovery_probe_work: int = 4_000_000


@dataclass(frozen=True)
class EngineDefaults:
    """A new session's defaults: TF Playground's (circle, 500 points, [4, 2] tanh, rate 0.03, batch 10)."""

    dataset: str = "circle"
    points: int = 500
    noise: float = 0.0
    train_fraction: float = 0.5
    features: tuple[str, ...] = ("x1", "x2")
    hidden_layers: tuple[int, ...] = (4, 2)
    activation: str = "tanh"
    output_activation: str = "tanh"
    loss: str = "half_sse"
    learning_rate: float = 0.03
    batch_size: int = 10
    optimizer: str = "sgd"
    momentum: float = 0.9
    regularization: str = "none"
    regularization_rate: float = 0.0
    init: str = "playground"
    bias_init: float = 0.1
    seed: int = 0
    shuffle: bool = True
    grid_resolution: int = 100  # output map (decision boundary)
    neuron_map_resolution: int = 40  # each neuron's small map
    drop_last: bool = False  # keep the last, partial batch of an epoch
    train_biases: bool = True


@dataclass(frozen=True)
class ViewLimits:
    """Bounds of the lecture views: the work one request of a view may cost, and their defaults."""

    # computation graphs (app/engine/graph/): one expression's characters, nodes (operations, numbers and
    # variable uses), nesting depth, distinct variables; a variable's value on the graph view
    graph_max_chars: int = 400
    graph_max_nodes: int = 120
    graph_max_depth: int = 64
    graph_max_variables: int = 12
    graph_max_abs_value: float = 1e6

    # gradient descent on f(x, y) (app/engine/descent/; f bounded by graph_*): steps of a path (it stops at
    # a point beyond EngineLimits.divergence_threshold or not finite), |start| and the contour's box, η's
    # range (the page's log slider), contour points a side; a quadratic whose slowest factor |1 − ηλ| is at
    # least descent_slow_factor (> 45 steps per 10× closer) crawls (factor > 0) or oscillates (< 0)
    descent_max_steps: int = 1000
    descent_max_coordinate: float = 1e6
    descent_learning_rate_min: float = 1e-5
    descent_learning_rate_max: float = 10.0
    descent_max_grid: int = 200
    descent_default_grid: int = 81
    descent_slow_factor: float = 0.95

    # dropout (app/engine/dropout.py): p_l ≤ this, so at least one unit in ten is kept
    dropout_max: float = 0.9

    # the gradient check's verdict on a layer's largest relative error e: < agree agrees, < doubt is close
    # (fine at a kink, suspicious elsewhere), else disagrees; it "sat near a kink" when a ReLU / leaky ReLU /
    # step unit's |z|, an L1-regularised |W| or an L1 loss's |a − y| is below the margin
    gradcheck_agree: float = 1e-7
    gradcheck_doubt: float = 1e-4
    gradcheck_kink_margin: float = 1e-3
    # random restarts: seeds × epochs per request, and iterations and multiply-adds (iterations × batch ×
    # parameters) in all (a few seconds here, in a worker thread)
    restarts_max_runs: int = 16
    restarts_max_epochs: int = 500
    restarts_default_runs: int = 4
    restarts_default_epochs: int = 20
    restarts_max_iterations: int = 200_000
    restarts_max_work: int = 400_000_000

    # loss-surface slice (app/engine/surface.py): a resolution² grid over u0 ± span of two parameters, costing
    # resolution² × examples × parameters multiply-adds (≤ surface_max_work, else a 422 naming resolution);
    # the path has at most surface_path_points points from keyframes and replay of ≤ surface_replay_work
    # (iterations × batch × parameters; past it a point is taken at its keyframe)
    surface_resolution_min: int = 5
    surface_resolution_max: int = 101
    surface_resolution: int = 41
    surface_span_min: float = 1e-3
    surface_span_max: float = 100.0
    surface_span: float = 2.0
    surface_max_work: int = 200_000_000
    surface_path_points: int = 120
    surface_replay_work: int = 50_000_000
    # activation explorer (app/engine/explorer.py): each g sampled at activation_points points of [−h, h];
    # a layer's z binned into preactivation_bins bins of the same axis
    activation_points: int = 401
    activation_half_width: float = 6.0
    activation_half_width_min: float = 0.5
    activation_half_width_max: float = 50.0
    preactivation_bins: int = 48
    preactivation_bins_min: int = 8
    preactivation_bins_max: int = 200


@dataclass(frozen=True)
class ShareLimits:
    """Bounds of a share link (app/export/link.py): the whole URL, and what its parts may expand to."""

    # a link longer than link_max_bytes leaves the weights out (the page offers the weights file instead);
    # when even the settings do not fit (large custom data) there is no link. Read back, the settings part
    # may expand to at most link_max_settings_bytes of JSON and the weights to max_parameters float64s.
    link_max_bytes: int = 8192
    link_max_settings_bytes: int = 512 * 1024
    # the page's parts a classroom link may hide (`hide=` in the fragment, applied when it opens)
    link_hide: tuple[str, ...] = ("settings", "tabs", "formula", "timeline")


@dataclass(frozen=True)
class Settings:
    """Server settings: where to listen and every limit the transport enforces."""

    host: str = "127.0.0.1"
    port: int = 8000
    # Extra origins allowed on the socket and on state-changing REST calls besides the page's own host
    # (comma separated in the env var).
    allowed_origins: tuple[str, ...] = ()
    # Host names the server answers to besides `host` and public_url's host (and 127.0.0.1 / localhost /
    # ::1 when listening on a loopback or wildcard address, and the machine's own addresses, app/netaddr.py,
    # when listening on every interface); any other Host header gets 400 (DNS rebinding). "*" allows every
    # host.
    allowed_hosts: tuple[str, ...] = ()
    # The address students are given (join links, QR codes), e.g. "http://lab.example.edu:8000", for a lab
    # behind a name or a proxy; its host is served too. "" gives them this machine's address as the
    # teacher reached it (its network address when the teacher is on loopback and the server listens on
    # every interface).
    public_url: str = ""
    # The machine's own addresses (app/netaddr.py) are read again when older than this, so a laptop that
    # changes network is picked up without every request paying for the look-up.
    own_addresses_cache_seconds: float = 30.0
    max_sessions: int = 200
    session_idle_seconds: float = 1800.0
    eviction_interval_seconds: float = 30.0
    max_message_bytes: int = 256 * 1024  # socket text message; larger closes with 1009
    max_body_bytes: int = 1024 * 1024  # REST body; larger answers 413
    # A request's headers must arrive within this (else the connection is closed with 408), its body within
    # body_read_seconds of the first read (else 408): slow clients cannot hold connections open.
    header_read_seconds: float = 10.0
    body_read_seconds: float = 30.0
    rate_limit_messages: int = 120  # socket messages allowed per window...
    rate_limit_window_seconds: float = 1.0  # ...before the rest get a rate_limited error
    send_timeout_seconds: float = 5.0  # one frame send; a client that stops reading is closed
    max_fps: float = 60.0
    max_speed: int = 1000  # iterations per frame when playing
    max_step_count: int = 10000  # phases / iterations / epochs in one step request
    max_step_seconds: float = 10.0  # compute time of one step request; it stops there and says how far it got
    max_records_per_reply: int = 2000  # phase records returned by one step request
    max_history: int = 20000  # loss-curve points kept per session (older ones thinned)
    max_sockets_per_session: int = 32
    shutdown_close_seconds: float = 3.0
    engine: EngineLimits = field(default_factory=EngineLimits)
    defaults: EngineDefaults = field(default_factory=EngineDefaults)
    # Bytes waiting to be sent on one socket: above half of it the server stops reading the client's messages
    # until they drain; beyond all of it the client is not reading and is closed (1008).
    max_pending_bytes: int = 8 * 1024 * 1024
    # A `sync` reply (the full state) is built at most this often per socket; syncs in between coalesce.
    min_state_interval_seconds: float = 0.5
    # Training iterations run between yields to the event loop (playing and long step requests).
    compute_chunk_iterations: int = 32
    # uvicorn's log level (critical, error, warning, info, debug, trace).
    log_level: str = "info"
    # Kernel send buffer of each socket: bounds what a client that stops reading can hold up, so its send
    # blocks (and times out) within a couple of seconds instead of after megabytes of autotuned buffer.
    socket_send_buffer_bytes: int = 256 * 1024
    # The ring of recent checkpoints each session keeps for the way out of a dead end
    # (app/sessions/ring.py): at most this many, and this many bytes (the data set they share is not
    # counted).
    recovery_max_keyframes: int = 64
    recovery_max_bytes: int = 256 * 1024
    # A run's timeline (app/timeline/): a keyframe (an exact raw checkpoint) every
    # timeline_keyframe_work / (batch size × parameters) iterations (at least 1, at most
    # timeline_max_spacing; the spacing doubles when the keyframes are thinned), one after every change.
    # Past timeline_max_keyframes or timeline_max_bytes the regular keyframes are thinned (every other one
    # goes); past timeline_max_events changes, or when changes alone exceed the bytes, the oldest part of the
    # run stops being reachable (the timeline's `first` moves on; its loss curve stays).
    timeline_keyframe_work: int = 250_000
    timeline_max_spacing: int = 1000
    timeline_max_keyframes: int = 1024
    timeline_max_bytes: int = 12 * 1024 * 1024
    timeline_max_events: int = 512
    # Runs branched from one run (branch, "same init, other setting", the way out of a dead end).
    max_branches_per_session: int = 32
    # Classroom rooms (app/rooms/): a room's join code has room_code_length characters of
    # room_code_alphabet (no look-alikes: no 0/O, 1/I/L); a closed room's code is not handed out again for
    # room_code_quarantine_seconds. At most max_rooms rooms, max_room_followers sockets per room and
    # max_room_members students remembered per room (past it, one not following now is forgotten); a
    # display name is at most max_display_name_chars characters. Code guessing: a client address may look
    # up room_guess_burst unknown codes per room_guess_window_seconds (then 429); at most
    # max_guess_clients addresses are tracked.
    room_code_length: int = 6
    room_code_alphabet: str = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    room_code_quarantine_seconds: float = 86400.0
    max_rooms: int = 50
    max_room_followers: int = 500
    max_room_members: int = 2000
    max_display_name_chars: int = 40
    room_guess_burst: int = 10
    room_guess_window_seconds: float = 60.0
    max_guess_clients: int = 10000
    # Ask the class (app/rooms/questions.py): the teacher's count of answers and their histogram
    # (answer_histogram_bins bins) go out at most once per answers_interval_seconds however fast answers
    # arrive; an answer within answer_tolerance × max(1, |value|) of the true value counts as close.
    answer_histogram_bins: int = 12
    answers_interval_seconds: float = 0.25
    answer_tolerance: float = 0.01
    # Saturation is looked for at most once per this many iterations (one forward pass over the training set).
    saturation_check_iterations: int = 100
    # Where sessions are written on shutdown and read back on start (app/sessions/persist.py); "" keeps none.
    # `python -m app` (make run) uses SERVE_STATE_FILE unless BACKPROP_STATE_FILE is set.
    state_file: str = ""

    def host_names(self) -> frozenset[str]:
        """The host names a request's Host header may carry (lower case, IPv6 without brackets); on every
        interface, the machine's own addresses are served too (host_allowed)."""
        names = {name.lower().strip("[]") for name in self.allowed_hosts}
        if self.host not in WILDCARD:  # a wildcard is where to listen, not an address to be reached at
            names.add(self.host.lower().strip("[]"))
        public = urlsplit(self.public_url).hostname if self.public_url else None
        if public:
            names.add(public.lower())
        if self.host in _LOOPBACK or self.host in WILDCARD:
            names |= _LOOPBACK
        return frozenset(names)

    def host_allowed(self, host_header: str | None) -> bool:
        """Whether a Host header ("name", "name:port", "[v6]:port") names this server (DNS rebinding guard);
        a request without one (HTTP/1.0) is refused too."""
        if not host_header:
            return False
        names = self.host_names()
        if "*" in names:
            return True
        name = host_header.strip().lower()
        if name.startswith("["):
            name = name[1 : name.find("]")] if "]" in name else name
        elif name.count(":") == 1:
            name = name.split(":", 1)[0]
        if name in names:
            return True
        # On every interface, an address literal is served when it is one of this machine's: rebinding needs
        # a host *name*, and an address that is not ours was not reached here.
        return self.host in WILDCARD and netaddr.is_own_address(name, self.own_addresses_cache_seconds)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from BACKPROP_* environment variables, then explicit overrides."""
        env = dict(os.environ if environ is None else environ)
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = env.get(f"BACKPROP_{f.name.upper()}")
            if raw is None or f.name in ("engine", "defaults"):
                continue
            values[f.name] = _parse(f.name, raw, getattr(cls(), f.name))
        values.update(overrides)
        return cls(**values)


def _parse(name: str, raw: str, default: Any) -> Any:
    """Parse one environment value to the type of its default, naming the variable on error."""
    try:
        if isinstance(default, bool):
            return raw.strip().lower() in ("1", "true", "yes", "on")
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
        if isinstance(default, tuple):
            return tuple(part.strip() for part in raw.split(",") if part.strip())
        return raw
    except ValueError as exc:
        raise ValueError(f"BACKPROP_{name.upper()}={raw!r}: expected {type(default).__name__}") from exc


_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
WILDCARD = frozenset({"0.0.0.0", "::", ""})

SERVE_STATE_FILE = ".backprop/sessions.json"

LIMITS = EngineLimits()
DEFAULTS = EngineDefaults()
VIEWS = ViewLimits()
SHARE = ShareLimits()
