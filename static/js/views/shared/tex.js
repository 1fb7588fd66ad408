/**
 * LaTeX typesetting for every view, with the KaTeX served at /static/vendor/katex/ (templates/base.html
 * loads its script before the page's modules, so `globalThis.katex` is there when a view renders).
 *
 * KaTeX builds the DOM itself (`katex.render`, never a string into innerHTML), writes HTML for the eye and
 * MathML for screen readers, trusts no command (`\href`, `\htmlClass`, … are refused; `terms` lets the
 * page's own `\htmlClass{tx-…}` / `\htmlData{tx-…=…}` through) and never throws: a formula it cannot parse is
 * shown as its LaTeX source, as text.
 *
 * Numbers go into LaTeX through texNum (the page's significant digits, a true minus, 1.2\times10^{-3}) and
 * user text through texText (every special character escaped), never by pasting strings.
 */

import { fmt, MINUS } from "../../format.js";

const OPTIONS = Object.freeze({
  output: "htmlAndMathml",
  throwOnError: false,
  trust: false,
  strict: "ignore",
});

/** Class names (`\htmlClass`) and data attributes (`\htmlData`) a formula with `terms` may set. */
const TERM_CLASS = /^tx-[a-z0-9-]+$/;
const TERM_DATA = /^data-tx-[a-z0-9-]+$/; // KaTeX passes the attribute names with their data- prefix

/**
 * With `terms`, KaTeX trusts exactly two commands, and only with the page's own names: `\htmlClass{tx-…}`
 * and `\htmlData{tx-…=…}` (a clickable term carries its target in data attributes, read by the view's
 * click handler). Every other command that needs trust (\href, \url, \includegraphics, \htmlId,
 * \htmlStyle) stays refused.
 */
function trustTerms(context) {
  if (context.command === "\\htmlClass") return String(context.class).split(/\s+/).every((c) => TERM_CLASS.test(c));
  if (context.command === "\\htmlData") return Object.keys(context.attributes ?? {}).every((k) => TERM_DATA.test(k));
  return false;
}

/**
 * Typeset `latex` into `element` (its content replaced). On any KaTeX failure (or without KaTeX) the
 * element shows the source as text and gets the class `tex-source`.
 * @param {Element} element
 * @param {string} latex
 * @param {{display?: boolean, terms?: boolean}} [options] display: display style (a centred block), else
 *   inline; terms: allow `\htmlClass{tx-…}{…}` and `\htmlData{tx-…=…}{…}` (trustTerms)
 * @returns {boolean} whether KaTeX typeset it
 */
export function tex(element, latex, { display = false, terms = false } = {}) {
  const katex = globalThis.katex;
  element.classList.remove("tex-source");
  if (katex) {
    try {
      katex.render(String(latex), element, { ...OPTIONS, displayMode: display, trust: terms ? trustTerms : false });
      if (!element.querySelector(".katex-error")) return true;
    } catch {
      // An option or an internal error: shown as source below, like a parse error.
    }
  }
  element.textContent = String(latex);
  element.classList.add("tex-source");
  return false;
}

const SUPERSCRIPT_DIGITS = { "⁻": "-", "⁺": "+", "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9" };

/**
 * A number as LaTeX, with the same rounding as fmt: texNum(-0.0012) === "-0.0012",
 * texNum(1.5e-7) === "1.5\\times 10^{-7}", texNum(null) === "\\text{—}", texNum(Infinity) === "\\infty".
 * (A "-" in math mode is typeset as the minus sign U+2212.)
 * @param {number|null|undefined} x
 * @param {number} [digits=4]
 */
export function texNum(x, digits = 4) {
  const s = fmt(x, digits).replaceAll(MINUS, "-");
  if (s === "—") return "\\text{—}";
  if (s.endsWith("∞")) return s.replace("∞", "\\infty");
  const sci = /^(-?[\d.]+)×10(.+)$/.exec(s);
  if (!sci) return s;
  const exp = Array.from(sci[2], (c) => SUPERSCRIPT_DIGITS[c] ?? "").join("");
  return `${sci[1]}\\times 10^{${exp}}`;
}

/**
 * A vector as a LaTeX column (pmatrix), or a row (`row: true`, in parentheses with commas).
 * @param {ArrayLike<number>} v
 * @param {{digits?: number, row?: boolean}} [options]
 */
export function texVec(v, { digits = 4, row = false } = {}) {
  const cells = Array.from(v, (x) => texNum(x, digits));
  return row ? `\\left(${cells.join(",\\ ")}\\right)` : `\\begin{pmatrix}${cells.join("\\\\")}\\end{pmatrix}`;
}

/**
 * A matrix as LaTeX (bmatrix), its entries rounded as texNum rounds them.
 * @param {ArrayLike<ArrayLike<number>>} m
 * @param {number} [digits=4]
 */
export function texMatrix(m, digits = 4) {
  const rows = Array.from(m, (r) => Array.from(r, (x) => texNum(x, digits)).join(" & "));
  return `\\begin{bmatrix}${rows.join("\\\\")}\\end{bmatrix}`;
}

const TEXT_ESCAPES = {
  "\\": "\\textbackslash{}",
  "{": "\\{",
  "}": "\\}",
  $: "\\$",
  "&": "\\&",
  "#": "\\#",
  "%": "\\%",
  _: "\\_",
  "^": "\\textasciicircum{}",
  "~": "\\textasciitilde{}",
};

/**
 * Any text (a feature's name, a user's string) as LaTeX text: texText("x_1 & y") === "\\text{x\\_1 \\& y}".
 * @param {string} s
 */
export function texText(s) {
  return `\\text{${String(s).replace(/[\\{}$&#%_^~]/g, (c) => TEXT_ESCAPES[c])}}`;
}
