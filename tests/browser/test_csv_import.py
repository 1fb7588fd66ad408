"""CSV import on the lab page: "Your CSV…" in the data set choice opens the dialog; a pasted file with class
names shows its first rows and the first problem by row and column; fixed, "Use this data" rebuilds the run
on it: the data set choice names the file, the network's inputs are the header's names, the boundary's
legend the classes, and the session holds exactly the rows pasted."""

from __future__ import annotations

import json

import httpx
import pytest

pytestmark = pytest.mark.browser

BAD = "height,weight,species\n1.2,3.4,cat\n2.2,1.4,dog\n0.3,0.9,cat\n4.1,2.0,dög\n1.1,heavy,cat\n"


def test_a_pasted_csv_becomes_the_run_s_data_set(lab) -> None:
    lab.open("?new")
    lab.page.wait_for_selector("#dataset option[value=__csv]", state="attached")
    lab.page.select_option("#dataset", "__csv")
    lab.page.wait_for_selector("#csv-overlay:not([hidden])")
    lab.page.fill("#csv-text", BAD)
    assert lab.page.text_content("#csv-error") == "row 6, column 'weight': 'heavy' is not a number"
    assert lab.page.locator("#csv-preview td.csv-bad").inner_text() == "heavy"
    assert lab.page.locator("#csv-use").is_disabled()
    assert lab.page.input_value("#csv-label") == "species"
    for size in ((1024, 768), (1920, 1080)):
        lab.page.set_viewport_size({"width": size[0], "height": size[1]})
        lab.screenshot(f"csv-import-{size[0]}")
    lab.page.fill("#csv-text", BAD.replace("heavy", "0.5"))
    assert lab.page.text_content("#csv-error") == ""
    assert "5 examples, 2 inputs, 3 classes: cat, dog, dög" in lab.page.text_content("#csv-summary")
    lab.page.click("#csv-use")
    lab.page.wait_for_selector("#csv-overlay", state="hidden", timeout=10000)
    chosen = lab.page.eval_on_selector("#dataset", "e => e.options[e.selectedIndex].text")
    assert chosen == "your CSV (species)"
    network = lab.page.locator("#network-view").inner_text()
    assert "height" in network and "weight" in network
    assert "dög" in lab.page.locator("#boundary-view").inner_text()
    stored = lab.page.evaluate("sessionStorage.getItem('backprop-lab:session')")
    state = httpx.get(f"{lab.base_url}/api/sessions/{json.loads(stored)['id']}").json()
    assert state["config"]["dataset"] == {"csv": BAD.replace("heavy", "0.5"), "label": "species"}
    assert state["config"]["output_activation"] == "softmax"
    assert state["data"]["class_names"] == ["cat", "dog", "dög"]
    lab.assert_clean()
