"""The phase machine: one iteration is forward l = 1..L → loss → backward l = L..1 → update (2L + 2 phases).

`step_phase`, `step_iteration` and `step_epoch` run the same compiled calls phase by phase, checking and
recording after each; `train` runs them without records and checks once per iteration, so every way of
stepping gives bit-identical numbers. A value that stops being finite (or passes the divergence threshold)
abandons the iteration: nothing was committed, and the cursor is back at its start.

Hyperparameters changed while an iteration is in progress apply from the next iteration (the iteration in
progress finishes with the values it started with, so its records agree with each other).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.engine import dropout
from app.engine.divergence import THRESHOLD, first_violation
from app.engine.errors import DivergenceError, EngineError
from app.engine.hyper import Hyper
from app.engine.kernel import compile_program
from app.engine.losses import FUSED_PAIRS, Loss
from app.engine.network import Network
from app.engine.optimizers import OPTIMIZERS
from app.engine.records import Flight, Record, build_record, phase_of, trace_example
from app.engine.schedule import Schedule
from app.engine.workspace import Program, Workspace, run

FloatArray = NDArray[np.float64]


class Stepper:
    """Trains `net` on rows x (N, n_0), targets y (N, n_L) with `loss`, batches drawn by a seeded schedule."""

    def __init__(
        self,
        net: Network,
        loss: Loss,
        hyper: Hyper,
        x: FloatArray,
        y: FloatArray,
        rng: np.random.Generator,
        selected: int = 0,
        seed: int = 0,
    ) -> None:
        self.net = net
        self.seed = seed  # the run's seed: dropout's masks are drawn from it (app/engine/dropout.py)
        self.loss = loss
        self.fused = (net.activations[-1].name, loss.name) in FUSED_PAIRS
        self.hyper = hyper
        self.optimizer = OPTIMIZERS[hyper.optimizer](net.layout, hyper.momentum)
        self.schedule = Schedule(len(x), hyper.batch_size, hyper.shuffle, hyper.drop_last, rng)
        self.step = 0  # iterations completed
        self.selected = selected
        self.phases = 2 * net.depth + 2
        self._pending: dict[str, Any] = {}
        self._flight: Flight | None = None
        self._workspaces: dict[int, Workspace] = {}
        self._programs: dict[tuple[int, int, int, int], Program] = {}
        # the last update's gradient (flat) and whether it is still a view of a workspace buffer (copied
        # before that buffer is reused by a stepped iteration, dropped after a divergence)
        self._last: tuple[FloatArray, bool] | None = None
        self.set_data(x, y)

    # --- data and settings -----------------------------------------------------------------------------

    def set_data(self, x: FloatArray, y: FloatArray) -> None:
        """Train on new rows from here: the iteration in progress is abandoned and this epoch starts over."""
        self.x, self.y = x, y
        self._xt = np.vstack([x.T, np.ones((1, len(x)))])  # examples as columns, a row of ones for the bias
        self._yt = np.ascontiguousarray(y.T)
        self._xp, self._yp = np.empty_like(self._xt), np.empty_like(self._yt)  # in this epoch's order
        self._programs.clear()
        self.schedule.restart(len(x))
        self.abandon()

    def set_hyper(self, **changes: Any) -> None:
        """Apply validated hyperparameter changes now, or at the next iteration if one is in progress."""
        self._pending.update(changes)
        if self._flight is None:
            self._apply_pending()

    def _apply_pending(self) -> None:
        """Make pending hyperparameter changes current."""
        changes, self._pending = self._pending, {}
        old = self.hyper
        self.hyper = replace(old, **changes)
        if self.hyper.optimizer != old.optimizer:
            self.optimizer = OPTIMIZERS[self.hyper.optimizer](self.net.layout, self.hyper.momentum)
        self.optimizer.momentum = self.hyper.momentum
        schedule, hyper = self.schedule, self.hyper
        schedule.batch_size, schedule.shuffle, schedule.drop_last = (
            hyper.batch_size,
            hyper.shuffle,
            hyper.drop_last,
        )
        schedule.roll()
        self._programs.clear()

    def abandon(self) -> None:
        """Drop the iteration in progress (nothing of it was committed); the cursor returns to its start."""
        self._flight = None
        if self._pending:
            self._apply_pending()

    def select(self, index: int) -> None:
        """Trace training example `index` (its values are recomputed for the iteration in progress too)."""
        self.selected = index
        flight = self._flight
        if flight is not None:
            flight.trace = self._trace(flight.indices)

    def batch(self) -> NDArray[np.int64]:
        """Training-set indices of the iteration in progress, or of the next one (nothing is drawn)."""
        return self._flight.indices.copy() if self._flight is not None else self.schedule.peek_batch()

    # --- stepping --------------------------------------------------------------------------------------

    @property
    def phases_done(self) -> int:
        """Phases of the iteration in progress already run (0 between two iterations)."""
        return 0 if self._flight is None else self._flight.phase

    def cursor(self) -> dict[str, Any]:
        """Where the next phase is: step, epoch, batch_in_epoch, batches_per_epoch, phase, layer."""
        phase, layer = phase_of(0 if self._flight is None else self._flight.phase, self.net.depth)
        return {
            "step": self.step,
            "epoch": self.schedule.epoch,
            "batch_in_epoch": self.schedule.batch_in_epoch,
            "batches_per_epoch": self.schedule.batches_per_epoch(),
            "phase": phase,
            "layer": layer,
        }

    def step_phase(self) -> Record:
        """Run the next phase, check it and return its record."""
        flight = self._flight if self._flight is not None else self._begin()
        index = flight.phase
        with np.errstate(all="ignore"):
            run(flight.program.phases[index])
        self._check(flight.program, index)
        flight.phase += 1
        if flight.phase < self.phases:
            return build_record(self, flight, index)
        self._commit(flight.stop)
        self._last = (self._gradient(flight.program).copy(), False)
        record = build_record(self, flight, index)  # the update record, before pending settings apply
        if self._pending:
            self._apply_pending()
        return record

    def step_iteration(self) -> list[Record]:
        """Finish the current iteration (from wherever the cursor is); its records in order."""
        records = [self.step_phase()]
        while self._flight is not None:
            records.append(self.step_phase())
        return records

    def step_epoch(self) -> list[Record]:
        """Finish the current epoch; every record of it from the cursor on."""
        epoch, records = self.schedule.epoch, []
        while self.schedule.epoch == epoch:
            records += self.step_iteration()
        return records

    def train(self, iterations: int) -> int:
        """Run `iterations` iterations without records (same numbers, far faster); the number done."""
        done = 0
        if self._flight is not None and iterations > 0:  # finish the iteration in progress first
            flight = self._flight
            with np.errstate(all="ignore"):
                for index in range(flight.phase, self.phases):
                    run(flight.program.phases[index])
                    self._check(flight.program, index)
            self._commit(flight.stop)
            self._last = (self._gradient(flight.program), True)
            done = 1
        with np.errstate(all="ignore"):
            while done < iterations:
                _, stop, program = self._next_program()
                for fn, args in program.fast:
                    fn(*args)
                ws = program.workspace
                ok = abs(ws.loss) <= THRESHOLD and abs(ws.regularization) <= THRESHOLD
                for values, bound in program.screens:  # Σ x² ≤ bound² means every |x| ≤ bound
                    ok = ok and values.dot(values) <= bound
                if not ok:  # a screen failed: find the first phase whose values are really out of range
                    for index in range(self.phases):
                        self._check(program, index)
                self._commit(stop)
                self._last = (self._gradient(program), True)  # a view: copied before _begin reuses it
                done += 1
        return done

    # --- internals -------------------------------------------------------------------------------------

    @property
    def pending(self) -> dict[str, Any]:
        """Hyperparameter changes waiting for the iteration in progress to end (a copy)."""
        return dict(self._pending)

    def defer(self, changes: dict[str, Any]) -> None:
        """Begin the next iteration now and hold `changes` until it ends (a checkpoint taken while an
        iteration was in progress and hyperparameters changed: they apply from the iteration after it)."""
        if self._flight is None:
            self._begin()
        self._pending.update(changes)

    def take_order(self, order: NDArray[np.int64]) -> None:
        """Use `order` (a permutation of the training set) as this epoch's order (a restored checkpoint)."""
        if sorted(order.tolist()) != list(range(len(self.x))):
            raise EngineError("checkpoint", "the epoch's order is not a permutation of the training set")
        self.schedule.order = order
        self._lay_out()

    def _draw_order(self) -> None:
        """Draw this epoch's order and lay the data out in it."""
        self.schedule.draw_order()
        self._lay_out()

    def _lay_out(self) -> None:
        """Lay the data out in this epoch's order."""
        order = self.schedule.order
        assert order is not None
        np.take(self._xt, order, axis=1, out=self._xp)
        np.take(self._yt, order, axis=1, out=self._yp)

    def _compile(self, start: int, stop: int) -> Program:
        """Compile (and cache) the iteration on the batch [start, stop) of this epoch's order."""
        size = stop - start
        ws = self._workspaces.get(size)
        if ws is None:
            ws = self._workspaces[size] = Workspace(self.net, size, self.fused)
        h = self.hyper
        program = compile_program(
            ws,
            self.net,
            self.optimizer,
            self._xp[:, start:stop],
            self._yp[:, start:stop],
            self.loss.name,
            h.regularization,
            h.regularization_rate,
            h.learning_rate,
            h.train_biases,
            (h.dropout, (dropout.fill, (ws, self, h.dropout))) if dropout.active(h.dropout) else None,
        )
        self._programs[(start, stop, self.net.parity, self.optimizer.parity)] = program
        return program

    def _next_program(self) -> tuple[int, int, Program]:
        """Pending settings applied and this epoch's order drawn: the next batch [start, stop), its calls."""
        if self._pending:
            self._apply_pending()
        if self.schedule.order is None:
            self._draw_order()
        start, stop = self.schedule.next_batch()
        program = self._programs.get((start, stop, self.net.parity, self.optimizer.parity))
        return start, stop, program or self._compile(start, stop)

    def last_gradient(self) -> FloatArray | None:
        """∂L/∂θ (flat, data + regularisation) the last committed update used; None before the first."""
        return None if self._last is None else self._last[0]

    def _gradient(self, program: Program) -> FloatArray:
        ws = program.workspace
        return ws.grad_total if self.hyper.regularization != "none" else ws.grad_data

    def _begin(self) -> Flight:
        """Start an iteration: pending settings, the next batch, its compiled calls and the traced example."""
        if self._last is not None and self._last[1]:  # the buffer is about to be reused
            self._last = (self._last[0].copy(), False)
        start, stop, program = self._next_program()
        assert self.schedule.order is not None
        indices = self.schedule.order[start:stop].copy()
        self._flight = Flight(
            self.step, self.schedule.epoch, start, stop, indices, program, 0, self._trace(indices)
        )
        return self._flight

    def _trace(self, indices: NDArray[np.int64]) -> dict[str, Any]:
        """The selected example's own values at the current parameters, and whether it is in the batch."""
        masks, rates = dropout.example_masks(self, indices, self.selected), self.hyper.dropout
        trace = trace_example(self.net, self.x[self.selected], self.y[self.selected], self.loss, masks, rates)
        trace["index"] = self.selected
        trace["in_batch"] = bool(np.any(indices == self.selected))
        return trace

    def _commit(self, stop: int) -> None:
        """The iteration's update is finite: make it current and move the schedule past its batch."""
        self.net.commit()
        self.optimizer.commit()
        self.schedule.advance(stop)
        self.step += 1
        self._flight = None

    def _check(self, program: Program, index: int) -> None:
        """DivergenceError if phase `index` left a value non-finite or beyond the threshold."""
        found = first_violation(program, index, self.net.depth)
        if found is not None:
            self._diverge(index, *found)

    def _diverge(self, index: int, quantity: str, layer: int | None, value: float, bound: float) -> None:
        """Abandon the iteration and raise DivergenceError naming step, phase, layer and quantity."""
        phase, _ = phase_of(index, self.net.depth)
        self.abandon()
        self._last = None if self._last is None or self._last[1] else self._last  # a view: overwritten
        self._workspaces.clear()  # buffers may hold non-finite values: start clean
        self._programs.clear()
        where = "" if layer is None else f" of layer {layer}"
        what = f"reached {value:.3g}, beyond ±{bound:.3g}" if np.isfinite(value) else f"became {value}"
        message = f"{quantity}{where} {what} in the {phase} phase of step {self.step}"
        raise DivergenceError(self.step, phase, layer, quantity, message)
