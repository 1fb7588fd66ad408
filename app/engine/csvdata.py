"""A CSV file as a data set: a header row, then one example per row; every column but the label column is
an input feature (in the header's order), the label column holds class names, class indices or values.

Read with the csv module (quoted fields, a UTF-8 byte-order mark, CRLF, blank lines skipped, spaces around
a cell trimmed). A label column of names (any cell that is not a number) makes classes, numbered in the order
they first appear; a column of integers 0..max_outputs−1 with at least two values makes classes too; any
other numbers are a regression target. Every refusal is EngineError("dataset.csv", ...) naming the row (the
file's line as an editor numbers it, the header being row 1) and the column by its header name.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.config import LIMITS
from app.engine.errors import EngineError

FIELD = "dataset.csv"
FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class CsvData:
    """A CSV file's text and the name of its label column (the data set's source, like a named one)."""

    csv: str
    label: str


@dataclass(frozen=True)
class ParsedCsv:
    """The rows read: inputs (N, F), labels (class indices or values), the columns' and classes' names."""

    inputs: FloatArray
    labels: NDArray[Any]
    n_classes: int  # 0 for regression
    feature_labels: tuple[str, ...]
    class_names: tuple[str, ...]


def _refuse(message: str, row: int | None = None, column: str | None = None) -> EngineError:
    where = ", ".join(p for p in (f"row {row}" if row else "", f"column {column!r}" if column else "") if p)
    return EngineError(FIELD, f"{FIELD}: {where + ': ' if where else ''}{message}")


def _number(text: str) -> float | None:
    """The cell as a finite number, or None when it is not a number at all."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """(line, cells) of every non-blank row; the header first."""
    if len(text.encode("utf-8")) > LIMITS.max_csv_bytes:
        raise _refuse(f"the file is over {LIMITS.max_csv_bytes // 1024} KB")
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    end = 0  # the line the previous row ended on: a row (even one with a line break quoted) starts after it
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((end + 1, [cell.strip() for cell in cells]))
            end = reader.line_num
            if len(rows) > LIMITS.max_custom_rows + 1:
                raise _refuse(f"more than {LIMITS.max_custom_rows} rows of data (the limit)")
    except csv.Error as error:
        raise _refuse(f"unreadable CSV ({error})", reader.line_num) from None
    return rows


def _header(cells: list[str], label: str) -> int:
    """The label column's index, the header checked."""
    if len(cells) < 2:
        raise _refuse("the header needs at least two columns: the inputs, then the label", 1)
    if len(cells) - 1 > LIMITS.max_inputs:
        raise _refuse(f"{len(cells) - 1} input columns: at most {LIMITS.max_inputs}", 1)
    for cell in cells:
        if not cell:
            raise _refuse("a column has no name", 1)
        if not cell.isprintable():
            raise _refuse("a name holds a line break or another control character", 1, cell[:20])
        if len(cell) > LIMITS.max_csv_name:
            raise _refuse(f"a name is longer than {LIMITS.max_csv_name} characters", 1, cell[:20] + "…")
    seen: set[str] = set()
    for cell in cells:
        if cell in seen:
            raise _refuse("this name appears twice in the header", 1, cell)
        seen.add(cell)
    if label not in cells:
        raise _refuse(f"no column is named {label!r}; the header has {', '.join(cells)}", 1)
    return cells.index(label)


def parse_csv(source: CsvData) -> ParsedCsv:
    """Read the file (EngineError naming dataset.csv, the row and the column, when it cannot be)."""
    rows = _rows(source.csv)
    if not rows:
        raise _refuse("the file is empty: it needs a header row and at least two rows of data")
    (_, header), data = rows[0], rows[1:]
    target = _header(header, source.label)
    if len(data) < 2:
        raise _refuse(f"{len(data)} row(s) of data: at least 2 are needed")
    features = [i for i in range(len(header)) if i != target]
    inputs = np.empty((len(data), len(features)))
    raw_labels: list[str] = []
    for r, (line, cells) in enumerate(data):
        if len(cells) != len(header):
            raise _refuse(f"{len(cells)} cells where the header has {len(header)}", line)
        for c, i in enumerate(features):
            value = _number(cells[i])
            if value is None:
                raise _refuse(f"{cells[i][:30]!r} is not a number", line, header[i])
            if not math.isfinite(value) or abs(value) > LIMITS.max_abs_input:
                raise _refuse(f"{cells[i]} is not finite within ±{LIMITS.max_abs_input:g}", line, header[i])
            inputs[r, c] = value
        if not cells[target]:
            raise _refuse("the label is empty", line, header[target])
        raw_labels.append(cells[target])
    labels, n_classes, names = _labels(raw_labels, [line for line, _ in data], header[target])
    return ParsedCsv(inputs, labels, n_classes, tuple(header[i] for i in features), names)


def _labels(cells: list[str], lines: list[int], column: str) -> tuple[NDArray[Any], int, tuple[str, ...]]:
    """Class indices with the classes' names, or regression values (n_classes 0)."""
    numbers = [_number(cell) for cell in cells]
    if all(n is not None for n in numbers):
        values = np.array(numbers, dtype=np.float64)
        for value, line, cell in zip(values, lines, cells, strict=True):
            if not math.isfinite(value) or abs(value) > LIMITS.max_abs_input:
                raise _refuse(f"{cell} is not finite within ±{LIMITS.max_abs_input:g}", line, column)
        integral = bool(np.all(values == np.round(values))) and values.min() >= 0
        if integral and values.max() < LIMITS.max_outputs and len(np.unique(values)) >= 2:
            count = int(values.max()) + 1
            return values.astype(np.int64), count, tuple(f"class {k}" for k in range(count))
        return values, 0, ()
    names: dict[str, int] = {}
    for cell, line in zip(cells, lines, strict=True):
        if len(cell) > LIMITS.max_csv_name:
            raise _refuse(f"a class name is longer than {LIMITS.max_csv_name} characters", line, column)
        if not cell.isprintable():
            raise _refuse("a class name holds a line break or another control character", line, column)
        if cell not in names:
            names[cell] = len(names)
            if len(names) > LIMITS.max_outputs:
                raise _refuse(
                    f"{len(names)} classes by here: an output layer holds at most {LIMITS.max_outputs}",
                    line,
                    column,
                )
    if len(names) < 2:
        raise _refuse(f"one class only ({cells[0]!r}): classification needs at least two", lines[0], column)
    return np.array([names[cell] for cell in cells], dtype=np.int64), len(names), tuple(names)


def check_output(parsed: ParsedCsv, output_activation: str, column: str) -> None:
    """Refuse a class count the chosen output cannot hold, naming what can."""
    if parsed.n_classes > 2 and output_activation in ("tanh", "linear"):
        raise _refuse(
            f"{parsed.n_classes} classes: a {output_activation} output holds two; choose a softmax or "
            "sigmoid output (one unit per class)",
            None,
            column,
        )
    if parsed.n_classes == 0 and output_activation == "softmax":
        raise _refuse(
            "the labels are values (regression): a softmax output needs classes; choose a linear output",
            None,
            column,
        )
