"""CSV import: what a spreadsheet writes is read (BOM, CRLF, quotes, blank lines, unicode class names),
and every refusal names dataset.csv, the row as the file numbers it and the column by its header name."""

from __future__ import annotations

import numpy as np
import pytest

from app.config import LIMITS
from app.engine.csvdata import CsvData, parse_csv
from app.engine.errors import EngineError
from app.engine.lab import Lab, LabConfig


def parse(text: str, label: str = "y") -> object:
    return parse_csv(CsvData(text, label))


def refusal(text: str, label: str = "y") -> str:
    with pytest.raises(EngineError) as caught:
        parse_csv(CsvData(text, label))
    assert caught.value.field == "dataset.csv"
    return caught.value.message


def test_a_spreadsheets_file_is_read_exactly() -> None:
    text = '\ufeffa,"b, quoted",y\r\n0.1,-2.5e-3,Äpfel\r\n\r\n  3 , 4,"Birnen"\r\n5,6,Äpfel\r\n'
    parsed = parse_csv(CsvData(text, "y"))
    assert parsed.feature_labels == ("a", "b, quoted")
    assert parsed.class_names == ("Äpfel", "Birnen")  # in the order they first appear
    assert parsed.inputs.tolist() == [[0.1, -0.0025], [3.0, 4.0], [5.0, 6.0]]
    assert parsed.labels.tolist() == [0, 1, 0] and parsed.n_classes == 2


def test_the_label_column_can_be_anywhere_and_hold_indices_or_values() -> None:
    parsed = parse_csv(CsvData("k,x1,x2\n2,1,1\n0,2,2\n1,3,3\n", "k"))
    assert parsed.n_classes == 3 and parsed.labels.tolist() == [2, 0, 1]
    assert parsed.inputs.tolist() == [[1, 1], [2, 2], [3, 3]]
    values = parse_csv(CsvData("x,y\n1,0.5\n2,-1.25\n", "y"))
    assert values.n_classes == 0 and values.labels.tolist() == [0.5, -1.25]


@pytest.mark.parametrize(
    ("text", "label", "expected"),
    [
        ("a,y\n1,c\n2\n", "y", "row 3: 1 cells where the header has 2"),
        ("a,y\n1,c\nx,d\n", "y", "row 3, column 'a': 'x' is not a number"),
        ("a,y\n1,c\n\n\ninf,d\n", "y", "row 5, column 'a': inf is not finite"),
        ("a,y\n1,c\n1e7,d\n", "y", "row 3, column 'a': 1e7 is not finite within ±1e+06"),
        ("a,y\n1,c\n2,c\n", "y", "row 2, column 'y': one class only ('c')"),
        ("a,y\n1,c\n", "y", "1 row(s) of data: at least 2"),
        ("a,b\n1,2\n3,4\n", "y", "row 1: no column is named 'y'; the header has a, b"),
        ("a,a,y\n1,2,c\n3,4,d\n", "y", "row 1, column 'a': this name appears twice"),
        ("a,,y\n1,2,c\n3,4,d\n", "y", "row 1: a column has no name"),
        ("y\n1\n2\n", "y", "the header needs at least two columns"),
        ("a,y\n1,\n2,d\n", "y", "row 2, column 'y': the label is empty"),
        ("", "y", "the file is empty"),
    ],
)
def test_each_refusal_names_the_row_and_the_column(text: str, label: str, expected: str) -> None:
    assert expected in refusal(text, label)


def test_the_limits_are_refused_with_their_values() -> None:
    wide = ",".join(f"c{i}" for i in range(LIMITS.max_inputs + 1)) + ",y\n"
    assert f"at most {LIMITS.max_inputs}" in refusal(wide + "1," * (LIMITS.max_inputs + 1) + "a\n")
    rows = "a,y\n" + "".join(f"{i},{i % 2}\n" for i in range(LIMITS.max_custom_rows + 1))
    assert f"more than {LIMITS.max_custom_rows} rows" in refusal(rows)
    big = "a,y\n" + "1.0000000000,c\n" * (LIMITS.max_csv_bytes // 10)
    assert "KB" in refusal(big)
    classes = "a,y\n" + "".join(f"{i},k{i}\n" for i in range(LIMITS.max_outputs + 1))
    assert f"row {LIMITS.max_outputs + 2}, column 'y': {LIMITS.max_outputs + 1} classes" in refusal(classes)


def test_a_class_count_the_output_cannot_hold_is_refused_naming_what_can() -> None:
    text = "a,b,y\n1,1,p\n2,2,q\n3,3,r\n4,4,p\n"
    with pytest.raises(EngineError) as caught:
        Lab(LabConfig(dataset=CsvData(text, "y"), output_activation="tanh"))
    assert caught.value.field == "dataset.csv" and "softmax or sigmoid" in caught.value.message
    lab = Lab(LabConfig(dataset=CsvData(text, "y"), output_activation="softmax", loss="cross_entropy"))
    assert lab.data.n_classes == 3 and lab.data.class_names == ("p", "q", "r")


def test_the_rows_are_split_by_the_train_fraction_and_the_split_is_seeded() -> None:
    text = "a,b,y\n" + "".join(f"{i / 10},{-i / 10},{'ab'[i % 2]}\n" for i in range(20))
    lab = Lab(LabConfig(dataset=CsvData(text, "y"), train_fraction=0.7, seed=3))
    data = lab.data
    assert data.n_train == 14 and data.n_test == 6
    assert sorted([*data.train_indices, *data.test_indices]) == list(range(20))
    again = Lab(LabConfig(dataset=CsvData(text, "y"), train_fraction=0.7, seed=3)).data
    assert np.array_equal(again.train_indices, data.train_indices)
    assert data.points is not None  # two inputs on the plane: drawn there
    restored = Lab.restore(lab.checkpoint())
    assert restored.config.dataset == lab.config.dataset
    assert np.array_equal(restored.data.inputs, data.inputs)


def test_names_with_line_breaks_are_refused() -> None:
    # a name is written into the exported script's comments: a line break there would start code
    assert "row 1, column 'a\\nimport os': a name holds a line break" in refusal(
        '"a\nimport os",y\n1,p\n2,q\n'
    )
    assert "row 3, column 'y': a class name holds a line break" in refusal('a,y\n1,p\n2,"q\rx"\n')
