"""The formula panel at a softmax / cross-entropy output (δ = p − y, lecture 003) and for Adam's first
update (m̂/√v̂ = ±1, so every weight moves by exactly η), with the page's own numbers."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

MINUS = "\u2212"


def vector(text: str, name: str) -> list[float]:
    """The numbers of `name = (…)ᵀ` in the panel's text (names are written with their indices on lines)."""
    flat = re.sub(r"\s+", "", text.replace("\u200b", ""))
    found = re.search(re.escape(name) + r"=\(([^)]*)\)ᵀ", flat)
    assert found, (name, flat[:400])
    return [float(v.replace(MINUS, "-")) for v in found.group(1).split(",")]


def step_to(lab, phase: str) -> None:
    """Press → until the phase indicator says `phase`."""
    for _ in range(12):
        if lab.page.locator(".phase-now").inner_text() == phase:
            return
        before = lab.page.locator("#phase-indicator").inner_text()
        lab.page.keyboard.press("ArrowRight")
        lab.page.wait_for_function(
            "(b) => document.querySelector('#phase-indicator').innerText !== b", arg=before
        )
    raise AssertionError(f"never reached {phase}")


def test_softmax_cross_entropy_delta_is_p_minus_y_and_adam_moves_by_eta(lab) -> None:
    lab.open("?new")
    config = {
        "dataset": "blobs3",
        "output_activation": "softmax",
        "loss": "cross_entropy",
        "hidden_layers": [4],
        "optimizer": "adam",
    }
    lab.send({"type": "rebuild", "config": config})
    lab.page.wait_for_function("/softmax/.test(document.querySelector('#output-loss').value)")
    step_to(lab, "backward, layer 2 of 2")
    text = lab.page.locator("#math-view").inner_text()
    assert "δ = p − y" in text
    p, delta = vector(text, "a2"), vector(text, "δ2")
    y = [round(p_k - d_k) for p_k, d_k in zip(p, delta, strict=True)]  # the one-hot target p − δ
    assert sorted(y) == [0, 0, 1]
    for p_k, d_k, y_k in zip(p, delta, y, strict=True):
        assert d_k == pytest.approx(p_k - y_k, abs=1.5e-4)  # 4 significant digits on the page
    step_to(lab, "update, all layers")
    text = lab.page.locator("#math-view").inner_text()
    assert "t = 1 (updates so far)" in text
    changes = re.findall(r"[−-]?0\.03(?!\d)", text.split("ΔW")[1].split("∈")[1].split("W")[0])
    assert len(changes) == 12  # ΔW² (3 × 4): every entry ±η
    lab.assert_clean()
