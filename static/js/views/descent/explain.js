/**
 * What the descent view writes out: the step x_t = x_{t−1} − η ∂f/∂x with the numbers, and for a quadratic
 * f its Hessian, the factors 1 − ηλ_i with the current η, the threshold η < 2/λ_max and the verdict with its
 * rule (the server's analysis, app/engine/descent/quadratic.py). Formulas are typeset with KaTeX (tex.js).
 */

import { fmt, sub } from "../../format.js";

/** KaTeX through the page's wrapper (views/shared/tex.js), loaded once; until then formulas are text. */
let tex = null;
const texReady = import("../shared/tex.js")
  .then((mod) => {
    tex = mod.tex;
  })
  .catch(() => {});

/** Resolves once the typesetter is there (or known to be missing): write the formulas again then. */
export function whenTex() {
  return texReady;
}

/** A number as TeX: 6 significant digits, scientific as m \times 10^{e}, trailing zeros dropped. */
export function texNumber(v, digits = 6) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "\\text{—}";
  if (v === 0) return "0";
  const a = Math.abs(v);
  const sign = v < 0 ? "-" : "";
  const rounded = Number(a.toPrecision(digits));
  if (rounded < 1e-4 || rounded >= 1e6) {
    const [mant, exp] = rounded.toExponential(digits - 1).split("e");
    const m = mant.includes(".") ? mant.replace(/0+$/, "").replace(/\.$/, "") : mant;
    return `${sign}${m} \\times 10^{${Number(exp)}}`;
  }
  return sign + String(rounded);
}

/** A number as a factor after · or −: negative ones in parentheses. */
function operand(v) {
  const s = texNumber(v);
  return v < 0 ? `(${s})` : s;
}

/** Typeset `latex` into `node` (display style), or write `plain` (lines) when KaTeX is not there. */
function typeset(node, latex, plain) {
  node.dataset.tex = latex;
  node.classList.remove("dv-plain");
  try {
    if (!tex) throw new Error("KaTeX not loaded");
    tex(node, latex, { display: true });
  } catch {
    node.classList.add("dv-plain");
    node.textContent = plain;
  }
}

/** A number as plain text (true minus sign); negative ones in parentheses after · or −. */
function plainNumber(v, asOperand = false) {
  const s = fmt(v, 6);
  return asOperand && v < 0 ? `(${s})` : s;
}

/**
 * The step shown: from x_{t−1} to x_t (t ≥ 1), or the first step to come at t = 0.
 * @param {HTMLElement} node
 * @param {{path: number[][], gradients: (number|null)[][], learning_rate: number}} result
 * @param {number} t
 */
export function writeUpdate(node, result, t) {
  const { path, gradients, learning_rate: eta } = result;
  const to = t >= 1 ? t : 1;
  const from = to - 1;
  const p = path[from];
  const g = gradients[from];
  const q = path[to];
  node.dataset.from = String(from);
  if (!p || !g || g[0] === null || g[1] === null) {
    node.replaceChildren();
    return;
  }
  // x_{t} computed here from the numbers shown; when the path stopped there, the result is "—".
  const next = [p[0] - eta * g[0], p[1] - eta * g[1]];
  const lines = ["x", "y"].map((name, i) => {
    const result = q ? q[i] : next[i];
    const shownResult = q ? texNumber(result) : `${texNumber(next[i])}\\ \\text{(not kept)}`;
    return (
      `${name}_{${to}} &= ${name}_{${from}} - \\eta\\,\\frac{\\partial f}{\\partial ${name}}(x_{${from}}, y_{${from}})` +
      ` = ${texNumber(p[i])} - ${operand(eta)} \\cdot ${operand(g[i])} = ${shownResult}`
    );
  });
  const plain = ["x", "y"].map((name, i) => {
    const shown = q ? plainNumber(q[i]) : `${plainNumber(next[i])} (not kept)`;
    return `${name}${sub(to)} = ${name}${sub(from)} − η ∂f/∂${name} = ${plainNumber(p[i])} − ${plainNumber(eta, true)} · ${plainNumber(g[i], true)} = ${shown}`;
  });
  typeset(node, `\\begin{aligned}${lines.join(" \\\\ ")}\\end{aligned}`, plain.join("\n"));
  node.title = t === 0 ? "The first step, to come" : `Step ${to}: how x_${to} was computed`;
}

/** "1 − 3η" for eigenvalue λ (the number written as the lecture writes it). */
function factorTex(lambda) {
  if (lambda === 0) return "1";
  const mag = texNumber(Math.abs(lambda));
  const coeff = Math.abs(lambda) === 1 ? "" : mag;
  return lambda > 0 ? `1 - ${coeff}\\eta` : `1 + ${coeff}\\eta`;
}

/** "1 − 3η" as plain text. */
function plainFactor(lambda) {
  if (lambda === 0) return "1";
  const coeff = Math.abs(lambda) === 1 ? "" : fmt(Math.abs(lambda), 6);
  return `1 ${lambda > 0 ? "−" : "+"} ${coeff}η`;
}

/**
 * The quadratic's analysis at the current η: H, the factors, the threshold and the verdict.
 * @param {{factors: HTMLElement, hessian: HTMLElement, threshold: HTMLElement, verdict: HTMLElement, rule: HTMLElement}} nodes
 * @param {object|null} q the reply's `quadratic`
 * @param {number} eta
 * @param {{step: number, reason: string}|null} stopped
 */
export function writeAnalysis(nodes, q, eta, stopped) {
  if (!q) {
    nodes.hessian.replaceChildren();
    nodes.factors.replaceChildren();
    nodes.threshold.replaceChildren();
    nodes.verdict.textContent = stopped ? "diverges" : "no closed form";
    nodes.verdict.dataset.verdict = stopped ? "diverges" : "none";
    nodes.rule.textContent = stopped
      ? "f is not a quadratic, so no single factor decides: the path stopped being finite (see below)."
      : "f is not a quadratic (degree > 2, or not a polynomial): its Hessian changes from point to point, so no single factor 1 − ηλ decides; the path shows what happens.";
    return;
  }
  const [[a, b], [, d]] = q.hessian;
  typeset(
    nodes.hessian,
    `H = \\nabla^2 f = \\begin{pmatrix} ${texNumber(a)} & ${texNumber(b)} \\\\ ${texNumber(b)} & ${texNumber(d)} \\end{pmatrix}`,
    `H = ∇²f = [[${plainNumber(a)}, ${plainNumber(b)}], [${plainNumber(b)}, ${plainNumber(d)}]]`,
  );
  const rows = q.eigenvalues.map((lambda, i) => {
    const along = q.diagonal ? ["x", "y"][i] : `v_{${i + 1}} = (${texNumber(q.axes[i][0], 4)}, ${texNumber(q.axes[i][1], 4)})`;
    const value = q.factors[i];
    return `\\text{along } ${along}: &\\quad ${factorTex(lambda)} = 1 - ${operand(eta)} \\cdot ${operand(lambda)} = ${texNumber(value)}`;
  });
  const plainRows = q.eigenvalues.map((lambda, i) => {
    const along = q.diagonal ? ["x", "y"][i] : `v${sub(i + 1)} = (${plainNumber(q.axes[i][0])}, ${plainNumber(q.axes[i][1])})`;
    return `along ${along}: ${plainFactor(lambda)} = 1 − ${plainNumber(eta, true)} · ${plainNumber(lambda, true)} = ${plainNumber(q.factors[i])}`;
  });
  typeset(nodes.factors, `\\begin{aligned}${rows.join(" \\\\ ")}\\end{aligned}`, plainRows.join("\n"));
  nodes.factors.dataset.factors = q.factors.map((v) => String(v)).join(",");
  if (q.threshold === null) {
    const lmax = Math.max(...q.eigenvalues);
    typeset(
      nodes.threshold,
      `\\lambda_{\\max} = ${texNumber(lmax)} \\le 0:\\ \\text{no threshold (no minimum)}`,
      `λ_max = ${plainNumber(lmax)} ≤ 0: no threshold (no minimum)`,
    );
  } else {
    const lmax = Math.max(...q.eigenvalues);
    const side = eta < q.threshold ? "<" : eta === q.threshold ? "=" : ">";
    typeset(
      nodes.threshold,
      `\\eta = ${texNumber(eta)} \\ ${side}\\ \\frac{2}{\\lambda_{\\max}} = \\frac{2}{${texNumber(lmax)}} = ${texNumber(q.threshold)}`,
      `η = ${plainNumber(eta)} ${side} 2/λ_max = 2/${plainNumber(lmax)} = ${plainNumber(q.threshold)}`,
    );
  }
  nodes.verdict.textContent = q.verdict;
  nodes.verdict.dataset.verdict = q.verdict;
  nodes.rule.textContent = q.rule;
  nodes.rule.title = `slowest |1 − ηλ| = ${fmt(q.rate, 6)}`;
}
