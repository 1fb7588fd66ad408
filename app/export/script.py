"""A run as a standalone NumPy script (and the sections a notebook is made of): the data, the start state,
the changes made on the way, and the training loop of app/export/code.py, replaying the run to its step.

Every number is written with repr, which reads back as the same float64, so the script starts exactly where
the run started; its loop runs the lab's operations in the lab's order, so it ends with the lab's weights.
`python script.py --json` prints {"step", "weights", "biases", "train_loss"} as its last line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.config import LIMITS
from app.export import code
from app.export.plan import Change, Plan, Schedule


@dataclass(frozen=True)
class Section:
    """One part of the exported code: a title, the markdown a notebook shows before it, and its code."""

    title: str
    markdown: str
    code: str


def literal(value: Any, indent: str = "") -> str:
    """Python source that evaluates to `value` exactly (arrays as np.array of repr floats, one row a line)."""
    if isinstance(value, np.ndarray):
        if value.ndim == 2 and len(value) > 1:
            rows = ",\n".join(f"{indent}    {_number_list(row)}" for row in value.tolist())
            return f"np.array([\n{rows},\n{indent}])"
        if value.ndim == 2 and len(value) == 0:
            return f"np.zeros((0, {value.shape[1]}))"
        return f"np.array({_number_list(value.tolist())})"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        items = ", ".join(f"{key!r}: {literal(v, indent)}" for key, v in value.items())
        return "{" + items + "}"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(literal(v, indent) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner}{',' if len(value) == 1 else ''})"
    return repr(value)


def _number_list(values: Any) -> str:
    if isinstance(values, list):
        return "[" + ", ".join(_number_list(v) for v in values) + "]"
    return repr(float(values)) if isinstance(values, float) else repr(values)


def _schedule_literal(schedule: Schedule) -> dict[str, Any]:
    order = None if schedule.order is None else np.asarray(schedule.order, dtype=np.int64)
    return {"position": schedule.position, "order": order, "rng": schedule.rng}


def _change_literal(change: Change) -> str:
    parts: dict[str, Any] = {"step": change.step}
    if change.hyper:
        parts["hyper"] = change.hyper
    if change.edits:
        parts["edits"] = [tuple(edit) for edit in change.edits]
    if change.remove:
        parts["remove"] = change.remove
    if change.append is not None:
        parts["append"] = change.append
    if change.data is not None:
        parts["data"] = change.data
    if change.optimizer is not None:
        parts["optimizer"] = {"t": change.optimizer["t"], **change.optimizer["slots"]}
    if change.schedule is not None:
        parts["schedule"] = _schedule_literal(change.schedule)
    return literal(parts, "    ")


def _describe_change(change: Change) -> str:
    """One line of plain words for a change (the script's comment, the notebook's list)."""
    words = []
    if change.hyper:
        words.append(", ".join(f"{k} → {v!r}" for k, v in change.hyper.items()))
    for layer, row, col, value in change.edits:
        name = f"b^{layer}[{row}]" if col == -1 else f"W^{layer}[{row}, {col}]"
        words.append(f"{name} set to {value!r}")
    if change.append is not None:
        words.append(f"{len(change.append)} training example(s) added")
    if change.remove:
        words.append(f"training example {change.remove[0]} removed")
    if change.data is not None:
        words.append("a new training set")
    if change.optimizer is not None:
        words.append("the optimizer's state as the run had it")
    if change.schedule is not None:
        words.append("the epoch's order and position as the run had them")
    return f"after step {change.step}: " + "; ".join(words)


def _edits_with_bias(plan: Plan, change: Change) -> Change:
    """Edits with col −1 for a bias (for the words; the code indexes [W | b] directly)."""
    edits = [(n, r, -1 if c == plan.sizes[n - 1] else c, v) for n, r, c, v in change.edits]
    return Change(change.step, change.hyper, edits, change.append, change.remove, change.data)


def _header(plan: Plan) -> str:
    d = plan.description
    shape = "-".join(str(n) for n in plan.sizes)
    lines = [
        f"Backprop Lab: run {d.get('session', '')}, reproduced in NumPy.",
        "",
        f"Data set: {d.get('dataset', '')}, {len(plan.x)} training examples, inputs {d.get('features', '')}.",
        f"Network {shape}: g = {', '.join(plan.activations)} (layers 1..L), loss {plan.loss}.",
        f"Replays steps {plan.start + 1}..{plan.end} on the same batches, with the {len(plan.changes)}",
        "change(s) made on the way, and ends with the lab's weights, bit for bit (the same NumPy",
        "operations in the same order).",
    ]
    if plan.start > 0:
        lines.append(
            f"It starts from the run's exact state at step {plan.start}, the oldest step the lab still holds."
        )
    lines += [
        "",
        "    python this_file.py          the final training loss and the difference from the lab's weights",
        '    python this_file.py --json   last line: {"step", "weights", "biases", "train_loss"}',
    ]
    return '"""' + "\n".join(lines) + '\n"""\n'


def sections(plan: Plan) -> list[Section]:
    """The code in order: data, network, start state, changes, phases, loop, result."""
    d = plan.description
    hyper = literal(plan.hyper)
    state = {"t": plan.optimizer["t"], **plan.optimizer["slots"]}
    rng = (
        "lambda: np.random.default_rng(np.random.SeedSequence(SEED, spawn_key=(2,)))"
        if plan.schedule.rng is None
        else f"lambda: _generator({literal(plan.schedule.rng)})"
    )
    order = "None" if plan.schedule.order is None else literal(np.asarray(plan.schedule.order))
    changes = ",\n".join(f"    {_change_literal(c)}" for c in plan.changes)
    words = (
        "\n".join(f"#   {_describe_change(_edits_with_bias(plan, c))}" for c in plan.changes) or "#   none"
    )
    imports = "import json\nimport math\nimport sys\n\nimport numpy as np\n"
    data = (
        f"# The training set, one example per row. X: the inputs ({d.get('features', '')}).\n"
        f"# Y: the targets ({d.get('targets', '')}), encoded for the {plan.activations[-1]} output.\n"
        f"X_TRAIN = {literal(plan.x)}\nY_TRAIN = {literal(plan.y)}\n"
    )
    network = (
        f"SIZES = {plan.sizes!r}  # n_0 (inputs), n_1 .. n_L (units per layer)\n"
        f"L = {len(plan.sizes) - 1}\n"
        f"G = {plan.activations!r}  # g of layers 1..L\n"
        f"LOSS = {plan.loss!r}\n"
        f"SEED = {plan.seed!r}  # the batch order and dropout's masks come from it\n"
        f"LEAKY_SLOPE = {LIMITS.leaky_relu_slope!r}\n"
        "GELU_C, GELU_K = math.sqrt(2.0 / math.pi), 0.044715\n"
        f"BETA1, BETA2 = {LIMITS.adam_beta1!r}, {LIMITS.adam_beta2!r}  # Adam's moments\n"
        f"EPSILON = {LIMITS.adam_epsilon!r}\n"
        f"HYPER = {hyper}\n"
    )
    start = (
        f"START, END = {plan.start}, {plan.end}  # iterations done at the start, and at the end\n"
        "# [W^l | b^l] for l = 1..L: W^l is n_l × n_(l−1), and its last column is b^l\n"
        "WB_START = [\n" + "".join(f"    {literal(b, '    ')},\n" for b in plan.blocks) + "]\n"
        f"STATE_START = {literal(state)}  # the optimizer's state\n"
        "# the position in the epoch, its order (None: drawn at the next batch) and the order's generator\n"
        f"POSITION, ORDER = {plan.schedule.position}, {order}\n"
        f"ORDER_RNG = {rng}\n\n\n"
        "def _generator(state):\n"
        '    """A generator in a given state (the run\'s batch-order stream, part way through)."""\n'
        "    rng = np.random.default_rng()\n"
        "    rng.bit_generator.state = state\n"
        "    return rng\n"
    )
    change_code = (
        f"# What was changed during the run, and after how many steps:\n{words}\nCHANGES = [\n{changes}\n]\n"
    )
    expected = (
        "# The lab's parameters at the end, to compare with\n"
        "EXPECTED_WB = [\n" + "".join(f"    {literal(b, '    ')},\n" for b in plan.expected) + "]\n"
        f"EXPECTED_TRAIN_LOSS = {_loss_literal(plan.train_loss)}\n"
    )
    return [
        Section("Imports", "NumPy only.", imports),
        Section("The data", "The training set the run used, exactly.", data),
        Section(
            "The network", "Layer sizes, activations, loss and the hyperparameters at the start.", network
        ),
        Section("The start", "The parameters, optimizer state and batch order the run started from.", start),
        Section("The changes", "What was changed during the run, and when.", change_code),
        Section("Activations", "g(z) and g'(z), as the lab computes them.", code.ACTIVATIONS.strip() + "\n"),
        Section(
            "Forward",
            "$z^l = W^l a^{l-1} + b^l$, $a^l = g(z^l)$ for $l = 1..L$.",
            code.FORWARD.strip() + "\n",
        ),
        Section("Loss", "$\\delta^L = \\partial \\ell / \\partial z^L$.", code.LOSS_PHASE.strip() + "\n"),
        Section(
            "Backward",
            "$\\partial L/\\partial W^l = \\frac{1}{B} \\delta^l (a^{l-1})^T$, "
            "$\\delta^{l-1} = (W^l)^T \\delta^l \\odot g'(z^{l-1})$.",
            code.BACKWARD.strip() + "\n",
        ),
        Section(
            "Update",
            "$W \\leftarrow W - \\eta \\, \\partial L / \\partial W$ (or momentum, Adam).",
            code.UPDATE.strip() + "\n",
        ),
        Section(
            "Helpers", "Optimizer state, dropout masks, examples as columns.", code.HELPERS.strip() + "\n"
        ),
        Section(
            "Training loop",
            "The same batches in the same order, the changes at their steps.",
            code.LOOP.strip() + "\n",
        ),
        Section("Result", "The training loss at the end.", code.EVALUATE.strip() + "\n\n\n" + expected),
    ]


def _loss_literal(value: float | None) -> str:
    return "None" if value is None or not math.isfinite(value) else repr(float(value))


MAIN = r'''
def main():
    """Train, then print the result (--json: one JSON line)."""
    WB, X, Y = train()
    loss = mean_loss(WB, X, Y)
    loss = loss if math.isfinite(loss) else None
    if "--json" in sys.argv[1:]:
        weights = [w[:, :-1].tolist() for w in WB]
        biases = [w[:, -1].tolist() for w in WB]
        print(json.dumps({"step": END, "weights": weights, "biases": biases, "train_loss": loss}))
        return
    difference = max(float(np.max(np.abs(w - e))) for w, e in zip(WB, EXPECTED_WB))
    print(f"step {END}: training loss {loss} (the lab: {EXPECTED_TRAIN_LOSS})")
    print(f"largest difference from the lab's weights and biases: {difference}")


if __name__ == "__main__":
    main()
'''


def render_script(plan: Plan) -> str:
    """The whole script."""
    parts = [_header(plan)]
    for section in sections(plan):
        parts.append(f"# --- {section.title} " + "-" * max(3, 100 - len(section.title)) + "\n" + section.code)
    parts.append(MAIN.strip() + "\n")
    return "\n\n".join(parts)
