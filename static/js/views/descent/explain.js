/**
 * What the descent view writes out: the step x_t = x_{t−1} − η ∂f/∂x with the numbers, and for a quadratic
 * f its Hessian, the factors 1 − ηλ_i with the current η, the threshold η < 2/λ_max and the verdict with its
 * rule (the server's analysis, app/engine/descent/quadratic.py). Formulas are typeset with KaTeX (tex.js);
 * each element keeps its LaTeX in `data-tex`.
 */

import { fmt } from "../../format.js";
import { tex, texNum } from "../shared/tex.js";

/** A number as the view's formulas write it: 6 significant digits. */
const num = (v) => texNum(v, 6);

/** A number as a factor after · or −: negative ones in parentheses. */
function operand(v) {
  const s = num(v);
  return v < 0 ? `(${s})` : s;
}

/** Typeset `latex` into `node` (display style). */
function typeset(node, latex) {
  node.dataset.tex = latex;
  tex(node, latex, { display: true });
}

/**
 * The step shown: from x_{t−1} to x_t (t ≥ 1), or the first step to come at t = 0.
 * @param {HTMLElement} node
 * @param {{path: number[][], gradients: number[][], learning_rate: number}} result
 * @param {number} t
 */
export function writeUpdate(node, result, t) {
  const { path, gradients, learning_rate: eta } = result;
  const to = Math.max(t, 1);
  const from = to - 1;
  const p = path[from];
  const g = gradients[from];
  const q = path[to];
  node.dataset.from = String(from);
  if (!p || !g) {
    node.replaceChildren();
    return;
  }
  // Past the path's last point (it stopped there) the step is still written, its result marked not kept.
  const lines = ["x", "y"].map((name, i) => {
    const value = q ? num(q[i]) : `${num(p[i] - eta * g[i])}\\ \\text{(not kept)}`;
    return (
      `${name}_{${to}} &= ${name}_{${from}} - \\eta\\,\\frac{\\partial f}{\\partial ${name}}(x_{${from}}, y_{${from}})` +
      ` \\\\ &= ${num(p[i])} - ${operand(eta)} \\cdot ${operand(g[i])} = ${value}`
    );
  });
  typeset(node, `\\begin{aligned}${lines.join(" \\\\ ")}\\end{aligned}`);
  node.title = t === 0 ? "The first step, to come" : `Step ${to}: how x_${to} was computed`;
}

/** "1 - 3\eta" for eigenvalue λ, as lecture 002 writes the factor. */
function factorTex(lambda) {
  if (lambda === 0) return "1";
  const coeff = Math.abs(lambda) === 1 ? "" : num(Math.abs(lambda));
  return lambda > 0 ? `1 - ${coeff}\\eta` : `1 + ${coeff}\\eta`;
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
    for (const node of [nodes.hessian, nodes.factors, nodes.threshold]) {
      node.replaceChildren();
      node.dataset.tex = "";
    }
    nodes.factors.dataset.factors = "";
    nodes.verdict.textContent = stopped ? "diverges" : "no closed form";
    nodes.verdict.dataset.verdict = stopped ? "diverges" : "none";
    nodes.rule.textContent = stopped
      ? "f is not a quadratic, so no single factor decides: the path stopped being finite (see above)."
      : "f is not a quadratic (degree > 2, or not a polynomial): its Hessian changes from point to point, so no single factor 1 − ηλ decides; the path shows what happens.";
    return;
  }
  const [[a, b], [, d]] = q.hessian;
  typeset(nodes.hessian, `H = \\nabla^2 f = \\begin{pmatrix} ${num(a)} & ${num(b)} \\\\ ${num(b)} & ${num(d)} \\end{pmatrix}`);
  const rows = q.eigenvalues.map((lambda, i) => {
    const along = q.diagonal ? ["x", "y"][i] : `v_{${i + 1}} = (${texNum(q.axes[i][0])}, ${texNum(q.axes[i][1])})`;
    return `\\text{along } ${along}: &\\quad ${factorTex(lambda)} = 1 - ${operand(eta)} \\cdot ${operand(lambda)} = ${num(q.factors[i])}`;
  });
  typeset(nodes.factors, `\\begin{aligned}${rows.join(" \\\\ ")}\\end{aligned}`);
  nodes.factors.dataset.factors = q.factors.map((v) => String(v)).join(",");
  const lmax = Math.max(...q.eigenvalues);
  if (q.threshold === null) {
    typeset(nodes.threshold, `\\lambda_{\\max} = ${num(lmax)} \\le 0:\\ \\text{no threshold (no minimum)}`);
  } else {
    const side = eta < q.threshold ? "<" : eta === q.threshold ? "=" : ">";
    typeset(nodes.threshold, `\\eta = ${num(eta)} \\ ${side}\\ \\frac{2}{\\lambda_{\\max}} = \\frac{2}{${num(lmax)}} = ${num(q.threshold)}`);
  }
  nodes.verdict.textContent = q.verdict;
  nodes.verdict.dataset.verdict = q.verdict;
  nodes.rule.textContent = q.rule;
  nodes.rule.title = `slowest |1 − ηλ| = ${fmt(q.rate, 6)}`;
}
