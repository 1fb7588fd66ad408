"""KaTeX under the server's Content-Security-Policy, on the lab page and the join page: tex() typesets with
MathML for screen readers, its fonts load from the server (no 404, no violation), trusts no command (with
`terms` only the page's own class and data names), and shows a formula it cannot parse as its source without
throwing. The formula panel's headline is typeset, follows the phase and the notation."""

from __future__ import annotations

import pytest

from tests.browser import test_docs
from tests.browser.conftest import LabPage
from tests.browser.test_docs import wait_until

pytestmark = pytest.mark.browser
strict = test_docs.strict  # the fixture: a tab in a context that keeps the policy, recording violations

HEADLINE = """() => [...document.querySelectorAll('#math-view .mv-headline .katex')].map((k) => ({
  tex: k.querySelector('annotation')?.textContent,
  math: k.querySelectorAll('.katex-mathml math').length }))"""

# Typesets into fresh elements with the page's own module and reports what came out.
TYPESET = """async () => {
  const { tex, texNum, texText } = await import('/static/js/views/shared/tex.js');
  const put = (latex, display) => {
    const el = document.createElement('div');
    document.body.append(el);
    return { ok: tex(el, latex, { display }), el };
  };
  const good = put('\\\\frac{\\\\partial L}{\\\\partial W^{2}_{13}} = \\\\delta^{2}_{1}\\\\,a^{1}_{3}'
                   + ' \\\\in \\\\mathbb{R},\\\\ \\\\sum_{k} \\\\mathcal{L} = ' + texNum(-1.2e-7)
                   + ' ' + texText('x_1 & {y}'), true);
  const bad = put('\\\\frac{a', false);
  const link = put('\\\\href{https://example.com}{x} \\\\htmlClass{evil}{y}', false);
  const termEl = document.createElement('div');
  document.body.append(termEl);
  tex(termEl, '\\\\htmlData{tx-sel=weight:2:0:1, evil=1}{x} '
      + '\\\\htmlData{tx-sel=bias:2:0}{\\\\htmlClass{tx-term}{b}}'
      + ' \\\\htmlClass{tx-term evil}{y} \\\\href{https://example.com}{z}', { terms: true });
  await document.fonts.ready;
  const loaded = [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family);
  return {
    good: good.ok, math: good.el.querySelectorAll('.katex-mathml math').length,
    display: good.el.querySelectorAll('.katex-display').length,
    annotation: good.el.querySelector('annotation')?.textContent ?? '',
    bad: bad.ok, badText: bad.el.textContent, badKatex: bad.el.querySelectorAll('.katex').length,
    anchors: link.el.querySelectorAll('a').length,
    evil: link.el.querySelectorAll('.evil').length,
    terms: [...termEl.querySelectorAll('[data-tx-sel]')].map((e) => e.dataset.txSel),
    termClass: termEl.querySelectorAll('.tx-term').length,
    termEvil: termEl.querySelectorAll('.evil, [data-evil], a').length,
    nums: [-0.0012, 1.5e-7, -2.5e8, null, -Infinity, 0.31000000000000005].map((x) => texNum(x)),
    loaded,
  };
}"""


def test_tex_typesets_with_mathml_and_its_fonts_under_the_policy(strict: LabPage) -> None:
    lab = strict
    failed: list[str] = []
    lab.page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    for path in ("/", "/join"):
        lab.page.goto(f"{lab.base_url}{path}")
        got = lab.page.evaluate(TYPESET)
        assert got["good"] is True and got["math"] == 1 and got["display"] == 1, got
        assert "\\partial L" in got["annotation"], got  # the MathML carries the source for readers
        assert got["bad"] is False and got["badText"] == "\\frac{a" and got["badKatex"] == 0, got
        assert got["anchors"] == 0 and got["evil"] == 0, got  # untrusted commands are written out in red
        # with terms, only the page's own class and data names pass (tx-…), nothing else
        assert got["terms"] == ["bias:2:0"] and got["termClass"] == 1 and got["termEvil"] == 0, got
        assert got["nums"] == [
            "-0.0012",
            "1.5\\times 10^{-7}",
            "-2.5\\times 10^{8}",
            "\\text{—}",
            "-\\infty",
            "0.31",
        ]
        for family in ("KaTeX_Main", "KaTeX_Math", "KaTeX_AMS", "KaTeX_Caligraphic", "KaTeX_Size2"):
            assert family in got["loaded"], got["loaded"]
        assert lab.page.evaluate("window.__violations") == []
    lab.page.goto(f"{lab.base_url}/?new")
    wait_until(lab.page, "document.querySelector('#math-view').dataset.phase === 'idle'")
    lab.page.keyboard.press("ArrowRight")
    wait_until(lab.page, "document.querySelector('#math-view').dataset.layer === '1'")
    assert lab.page.evaluate(HEADLINE) == [
        {"tex": "z^{1} = W^{1} a^{0} + b^{1}", "math": 1},
        {"tex": "a^{1} = \\tanh(z^{1})", "math": 1},
    ]
    lab.page.locator("#math-view .mv-notation").click()  # columns: z = Wᵀa + b
    wait_until(
        lab.page, "document.querySelector('#math-view .mv-headline annotation').textContent.includes('top')"
    )
    assert lab.page.evaluate(HEADLINE)[0]["tex"] == "z^{1} = (W^{1})^{\\top} a^{0} + b^{1}"
    assert lab.page.evaluate("window.__violations") == []
    fonts = [u for u in lab.record.requests if "/static/vendor/katex/fonts/" in u]
    assert fonts and all(u.endswith(".woff2") for u in fonts), fonts
    assert failed == []
    lab.assert_clean()
