"""The facade the server uses: a Lab is one network, its data and its training, built from a LabConfig.

Every change is checked first (EngineError names the field, the value and the allowed range) and applied
only when valid, so a rejected call loses nothing. A rebuild (new architecture, data, activations, loss,
init) is a new Lab from a changed config: `Lab(dataclasses.replace(lab.config, hidden_layers=[8]))`.

Randomness: one seed, independent streams. The data set is drawn from np.random.default_rng(seed)
(data.build_dataset); the initial weights from the seed's INIT_STREAM and every epoch's batch order from its
ORDER_STREAM (init.seeded_stream), so the weights are not the data's draws and the batch order does not
depend on the init scheme; dropout's masks from its DROPOUT_STREAM, keyed by the step (dropout.py).
`reset(seed)` re-draws the parameters, the order and the masks from a new seed; the data stay (they change
only by a rebuild).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.config import DEFAULTS, LIMITS
from app.engine import checkpoint, dropout, measure
from app.engine.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from app.engine.data import CsvData, CustomData, Dataset, build_dataset
from app.engine.dropout import check_rates
from app.engine.errors import DivergenceError, EngineError
from app.engine.evaluate import Grids, evaluate_grids
from app.engine.gradcheck import gradient_check
from app.engine.hyper import LIVE_FIELDS, Hyper
from app.engine.init import INIT_STREAM, ORDER_STREAM, init_parameters, seeded_stream
from app.engine.labconfig import (
    LabConfig,
    check_config,
    check_int,
    check_live,
    hidden_activations,
)
from app.engine.losses import LOSSES
from app.engine.network import Network
from app.engine.records import Record
from app.engine.stepper import Stepper
from app.engine.targets import check_targets

__all__ = ["CsvData", "CustomData", "DivergenceError", "EngineError", "Lab", "LabConfig"]
FloatArray = NDArray[np.float64]


class Lab:
    """One network and its training, stepped by phase, iteration or epoch (see docs/engine.md)."""

    def __init__(self, config: LabConfig | None = None, data: Dataset | None = None) -> None:
        """`data`: train on these examples instead of building them from the configuration (a checkpoint)."""
        config = LabConfig() if config is None else config
        check_config(config)
        config = replace(config, dropout=check_rates(config.dropout, config.hidden_layers))  # a tuple
        if data is None:
            data = build_dataset(
                config.dataset,
                config.points,
                config.noise,
                config.train_fraction,
                config.features,
                config.output_activation,
                config.seed,
            )
            data = data.with_points_added(config.added_points)
        check_int("selected", config.selected, 0, data.n_train - 1)
        check_targets(config.loss, data.targets)
        self._data = data
        self._config = config
        self._stepper = self._new_stepper(config, config.seed)

    def _new_stepper(self, config: LabConfig, seed: int) -> Stepper:
        """A freshly initialised network (from `seed`, or the explicit parameters) and its training."""
        data = self._data
        sizes = [data.n_inputs, *config.hidden_layers, data.n_outputs]
        if config.weights is not None and config.biases is not None:
            weights, biases = list(config.weights), list(config.biases)
        else:
            rng = seeded_stream(seed, INIT_STREAM)
            weights, biases = init_parameters(sizes, config.init, config.bias_init, rng)
        activations = [HIDDEN_ACTIVATIONS[name] for name in hidden_activations(config)]
        net = Network(sizes, [*activations, OUTPUT_ACTIVATIONS[config.output_activation]], weights, biases)
        hyper = Hyper(**{field: getattr(config, field) for field in LIVE_FIELDS})
        loss = LOSSES[config.loss]
        order = seeded_stream(seed, ORDER_STREAM)
        return Stepper(net, loss, hyper, data.x_train, data.y_train, order, config.selected, seed)

    # --- reading -------------------------------------------------------------------------------------------

    @property
    def config(self) -> LabConfig:
        """The current configuration, live changes included."""
        return self._config

    @property
    def data(self) -> Dataset:
        """The data set (points added or removed included)."""
        return self._data

    @property
    def network(self) -> Network:
        """The network (its parameters change only through the Lab)."""
        return self._stepper.net

    @property
    def cursor(self) -> dict[str, Any]:
        """The next phase: step, epoch, batch_in_epoch, batches_per_epoch, phase, layer."""
        return self._stepper.cursor()

    @property
    def step(self) -> int:
        """Iterations completed (the cursor's step, without building the cursor)."""
        return self._stepper.step

    @property
    def phases_done(self) -> int:
        """Phases of the iteration in progress already run: 0 between two iterations, up to 2L + 1."""
        return self._stepper.phases_done

    @property
    def weights(self) -> list[FloatArray]:
        """Copies of W^1..W^L, each (n_l, n_(l−1))."""
        return self._stepper.net.weights()

    @property
    def biases(self) -> list[FloatArray]:
        """Copies of b^1..b^L."""
        return self._stepper.net.biases()

    def optimizer_state(self) -> dict[str, Any]:
        """The optimizer's name, constants and per-layer state (velocity_w/_b, m_w/_b, v_w/_b)."""
        return self._stepper.optimizer.state()

    def metrics(self) -> dict[str, float | None]:
        """Mean data loss and accuracy on the training and test sets (accuracy None for regression; None for
        an empty test set or a value that is not finite)."""
        st = self._stepper
        return measure.metrics(st.net, st.loss, self._data, self._config.output_activation)

    def outputs(self) -> dict[str, FloatArray]:
        """At the current parameters, for every training and test example: the output a^L (rows, one per
        example) and its loss ℓ_i (the per-example term of the mean in `metrics`): train, train_loss, test,
        test_loss. Values may be non-finite (the wire layer sends those as null)."""
        return measure.outputs(self._stepper.net, self._stepper.loss, self._data)

    def grids(
        self,
        resolution: int = DEFAULTS.grid_resolution,
        neuron_resolution: int = DEFAULTS.neuron_map_resolution,
    ) -> Grids:
        """Float32 maps over the plane of the output and of every neuron (2-D data sets only)."""
        if self._data.points is None:
            raise EngineError("dataset", "custom rows have no plane to map")
        net = self._stepper.net
        return evaluate_grids(
            net.weights(),
            net.biases(),
            [act.forward for act in net.activations[:-1]],
            net.activations[-1].forward,
            self._data.feature_names,
            resolution,
            neuron_resolution,
            self._data.domain,
        )

    def last_gradient(self) -> FloatArray | None:
        """A copy of the flat ∂L/∂θ the last update used (None before the first update of this Lab)."""
        gradient = self._stepper.last_gradient()
        return None if gradient is None else gradient.copy()

    def gradcheck_rows(self) -> NDArray[np.int64]:
        """The training rows the gradient check uses: the first LIMITS.gradcheck_max_examples of the batch
        of the iteration in progress (or the next one)."""
        return self._stepper.batch()[: LIMITS.gradcheck_max_examples]

    def gradient_check(self) -> list[dict[str, Any]]:
        """Backprop against central differences on the batch of the iteration in progress (or the next one),
        its first LIMITS.gradcheck_max_examples examples (the cost grows with parameters × examples); with
        dropout, each example's mask of that iteration held fixed (the loss is differentiable only so)."""
        st = self._stepper
        batch = st.batch()
        rows = batch[: LIMITS.gradcheck_max_examples]
        return gradient_check(
            st.net,
            self._data.x_train[rows],
            self._data.y_train[rows],
            st.loss,
            st.hyper.regularization,
            st.hyper.regularization_rate,
            scales=dropout.batch_scales(
                st.seed, st.step, st.net.sizes[1:-1], st.hyper.dropout, len(batch), len(rows)
            ),
        )

    def checkpoint(self, data_part: dict[str, Any] | None = None, raw: bool = False) -> dict[str, Any]:
        """Everything needed to continue exactly from here, as JSON-able data (see checkpoint.py);
        `data_part`: the "data" of an earlier checkpoint of this Lab's current data set, reused (it is the
        larger part, and unchanged until a point is added or removed). `raw`: in memory, not JSON-able
        (objects shared, arrays copied: a timeline's keyframe)."""
        return checkpoint.save(self._config, self._data, self._stepper, data_part, raw)

    @classmethod
    def restore(cls, saved: dict[str, Any]) -> Lab:
        """The Lab a checkpoint describes (at the start of the iteration that was in progress);
        EngineError naming "checkpoint" when it cannot be read."""
        config, data = checkpoint.parts(saved)
        lab = cls(config, data)
        checkpoint.resume(lab._stepper, saved)
        return lab

    # --- stepping -----------------------------------------------------------------------------------------

    def step_phase(self) -> Record:
        """Run one phase; its record."""
        return self._stepper.step_phase()

    def step_iteration(self) -> list[Record]:
        """Finish the current iteration; its records from the cursor on."""
        return self._stepper.step_iteration()

    def step_epoch(self) -> list[Record]:
        """Finish the current epoch; its records from the cursor on."""
        return self._stepper.step_epoch()

    def train(self, iterations: int) -> int:
        """Train `iterations` iterations without records (the same numbers); the number done."""
        check_int("iterations", iterations, 0, 2**62)
        return self._stepper.train(iterations)

    # --- changing -----------------------------------------------------------------------------------------

    def set_hyper(self, **changes: Any) -> dict[str, tuple[Any, Any]]:
        """Change live hyperparameters; {field: (old, new)} of those that changed. An iteration in progress
        finishes with the old values (docs/engine.md); batch_size keeps the position in the epoch."""
        checked = check_live(changes)
        if "dropout" in checked:
            check_rates(checked["dropout"], self._config.hidden_layers)
        changed = {
            f: (getattr(self._config, f), v) for f, v in checked.items() if getattr(self._config, f) != v
        }
        if changed:
            new = {f: v for f, (_, v) in changed.items()}
            self._config = replace(self._config, **new)
            self._stepper.set_hyper(**new)
        return changed

    def set_parameters(self, weights: Any, biases: Any) -> None:
        """Set every W^l and b^l exactly (the iteration in progress restarts with them)."""
        self._stepper.net.set_parameters(weights, biases)
        self._stepper.abandon()

    def set_weight(self, layer: int, row: int, col: int, value: float) -> None:
        """Set W^layer[row][col] (the iteration in progress restarts)."""
        self._stepper.net.set_weight(layer, row, col, value)
        self._stepper.abandon()

    def set_bias(self, layer: int, row: int, value: float) -> None:
        """Set b^layer[row] (the iteration in progress restarts)."""
        self._stepper.net.set_bias(layer, row, value)
        self._stepper.abandon()

    def reset(self, seed: int | None = None) -> None:
        """Back to the initial parameters (of `seed` if given), optimizer state and counters cleared."""
        new_seed = self._config.seed if seed is None else check_int("seed", seed, 0, LIMITS.max_seed)
        stepper = self._new_stepper(self._config, new_seed)
        self._stepper = stepper
        self._config = replace(self._config, seed=new_seed)

    def select(self, index: int) -> None:
        """Trace training example `index` in every phase record (refused as `example`, the field REST and the
        socket send it in)."""
        check_int("example", index, 0, self._data.n_train - 1)
        self._stepper.select(index)
        self._config = replace(self._config, selected=index)

    def add_point(self, x1: float, x2: float, label: float) -> None:
        """Add a training point (2-D data sets); the iteration in progress restarts, so does the epoch. It is
        kept in the configuration's added_points, so a rebuild of the same data set adds it again."""
        self._set_data(self._data.with_point_added(x1, x2, label), self._config.selected)
        point = (float(x1), float(x2), float(self._data.labels[-1]))
        self._config = replace(self._config, added_points=(*self._config.added_points, point))

    def remove_point(self, index: int) -> None:
        """Remove training example `index` (2-D data sets); the epoch begins again."""
        data = self._data.with_point_removed(index)
        selected = self._config.selected
        if selected > index or selected >= data.n_train:
            selected -= 1
        added = list(self._config.added_points)
        first_added = len(self._data.inputs) - len(added)  # added points are the last rows, in order
        row = int(self._data.train_indices[index])
        self._set_data(data, selected)
        if row >= first_added:
            del added[row - first_added]
            self._config = replace(self._config, added_points=tuple(added))

    def _set_data(self, data: Dataset, selected: int) -> None:
        """Train on `data` from here, tracing `selected` (refused when the loss cannot fit its targets)."""
        check_targets(self._config.loss, data.targets)
        self._data = data
        st = self._stepper
        st.set_data(data.x_train, data.y_train)
        st.select(selected)
        self._config = replace(self._config, selected=selected)
