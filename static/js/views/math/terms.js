/**
 * Notation for the formula panel, in the lectures' symbols (z^l = W^l a^(l−1) + b^l, a^l = g(z^l),
 * δ^l = ∂ℓ/∂z^l): HTML snippets for indexed symbols and numbers, the activation and loss formulas as text, and
 * each activation's derivative written the way the engine computes it.
 */

import { fmt } from "../../format.js";

/** Escape text for HTML. */
export function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

/**
 * An indexed symbol: sym("W", 2, "12") → W with superscript 2 and subscript 12 stacked.
 * Pass null to leave an index out.
 */
export function sym(base, sup = null, sub = null) {
  if (sup === null && sub === null) return `<i>${base}</i>`;
  const s = sup === null ? "" : `<sup>${sup}</sup>`;
  const b = sub === null ? "" : `<sub>${sub}</sub>`;
  return `<span class="mv-sym"><i>${base}</i><span class="mv-ss">${s || "<sup>&#8203;</sup>"}${b || "<sub>&#8203;</sub>"}</span></span>`;
}

/** A number as shown (4 significant digits, trailing zeros trimmed). */
export function num(x) {
  return `<span class="mv-num">${esc(fmt(x))}</span>`;
}

/** A number as a factor: negative ones in parentheses, so 0.4·(−1) reads unambiguously. */
export function factor(x) {
  return Number(x) < 0 && fmt(x) !== "0" ? `(${num(x)})` : num(x);
}

/** "+ x" or "− |x|" for a term added to a sum. */
export function plusTerm(html, x) {
  return Number(x) < 0 && fmt(x) !== "0" ? ` − ${html}` : ` + ${html}`;
}

/** One equation line; `parts` are joined with " = ". */
export function eq(...parts) {
  return `<div class="mv-eq">${parts.filter((p) => p !== null && p !== "").join(" = ")}</div>`;
}

/** A short sentence under an equation. */
export function note(text, cls = "") {
  return `<p class="mv-note ${cls}">${text}</p>`;
}

/** The activation of layer l (the output activation for l = L). */
export function activationOf(config, l, L) {
  if (l === L) return config?.output_activation ?? "linear";
  return config?.layer_activations?.[l - 1] ?? config?.activation ?? "linear";
}

/** g written out: "tanh", "σ", "relu", ... as the function's name in formulas. */
export function gName(name) {
  return { sigmoid: "σ", leaky_relu: "leaky_relu", linear: "linear", softmax: "softmax" }[name] ?? name;
}

/** The activation's definition as text. */
export const G_FORMULA = {
  step: "g(z) = 1 if z ≥ 0, else 0",
  sigmoid: "σ(z) = 1/(1 + e<sup>−z</sup>)",
  tanh: "tanh(z) = (e<sup>z</sup> − e<sup>−z</sup>)/(e<sup>z</sup> + e<sup>−z</sup>)",
  relu: "relu(z) = max(0, z)",
  leaky_relu: "leaky_relu(z) = z if z &gt; 0, else 0.01z",
  gelu: "gelu(z) = ½z(1 + tanh(√(2/π)(z + 0.044715z³)))",
  linear: "linear(z) = z",
  softmax: "p<sub>k</sub> = e<sup>z<sub>k</sub></sup> / Σ<sub>i</sub> e<sup>z<sub>i</sub></sup>",
};

/** g'(z) as the engine defines it (from z and a = g(z)), with the formula as text. */
export function derivative(name, z, a) {
  switch (name) {
    case "sigmoid":
      return { value: a * (1 - a), text: `a(1 − a) = ${factor(a)}·(1 − ${factor(a)})` };
    case "tanh":
      return { value: 1 - a * a, text: `1 − a² = 1 − ${factor(a)}²` };
    case "relu":
      return { value: z > 0 ? 1 : 0, text: `[z &gt; 0] with z = ${num(z)}` };
    case "leaky_relu":
      return { value: z > 0 ? 1 : 0.01, text: `1 if z &gt; 0, else 0.01; z = ${num(z)}` };
    case "linear":
      return { value: 1, text: "1" };
    case "step":
      return { value: 0, text: "0 (the step is flat)" };
    case "gelu": {
      const c = Math.sqrt(2 / Math.PI);
      const k = 0.044715;
      const t = Math.tanh(c * (z + k * z * z * z));
      return { value: 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * c * (1 + 3 * k * z * z), text: `½(1 + t) + ½z(1 − t²)√(2/π)(1 + 3·0.044715z²), t = ${num(t)}` };
    }
    default:
      return null;
  }
}

/** The per-example loss, its gradient and the convention in words. */
export const LOSS_TEXT = {
  mse: {
    formula: `ℓ = (1/n<sub>L</sub>) Σ<sub>k</sub> (ŷ<sub>k</sub> − y<sub>k</sub>)²`,
    grad: "∂ℓ/∂ŷ<sub>k</sub> = 2(ŷ<sub>k</sub> − y<sub>k</sub>)/n<sub>L</sub>",
    convention: "mean squared error: no ½, divided by the n<sub>L</sub> outputs (lecture 002)",
  },
  half_sse: {
    formula: "ℓ = ½ Σ<sub>k</sub> (ŷ<sub>k</sub> − y<sub>k</sub>)²",
    grad: "∂ℓ/∂ŷ<sub>k</sub> = ŷ<sub>k</sub> − y<sub>k</sub>",
    convention: "squared error with ½ (lecture 001, TF Playground), so the 2 cancels",
  },
  sse: {
    formula: "ℓ = Σ<sub>k</sub> (ŷ<sub>k</sub> − y<sub>k</sub>)²",
    grad: "∂ℓ/∂ŷ<sub>k</sub> = 2(ŷ<sub>k</sub> − y<sub>k</sub>)",
    convention: "squared error without ½ (lecture 004): the factor 2 stays",
  },
  l1: {
    formula: "ℓ = Σ<sub>k</sub> |ŷ<sub>k</sub> − y<sub>k</sub>|",
    grad: "∂ℓ/∂ŷ<sub>k</sub> = sign(ŷ<sub>k</sub> − y<sub>k</sub>)",
    convention: "L1 loss, summed over the outputs (lecture 003's L1Loss); at ŷ<sub>k</sub> = y<sub>k</sub> |·| has no derivative and the subgradient 0 is used",
  },
  bce: {
    formula: "ℓ = −Σ<sub>k</sub> [y<sub>k</sub> log ŷ<sub>k</sub> + (1 − y<sub>k</sub>) log(1 − ŷ<sub>k</sub>)]",
    grad: "∂ℓ/∂ŷ<sub>k</sub> = −y<sub>k</sub>/ŷ<sub>k</sub> + (1 − y<sub>k</sub>)/(1 − ŷ<sub>k</sub>)",
    convention: "binary cross-entropy on a sigmoid output (computed from z, stably)",
  },
  cross_entropy: {
    formula: "ℓ = −Σ<sub>k</sub> y<sub>k</sub> log p<sub>k</sub>",
    grad: "∂ℓ/∂p<sub>k</sub> = −y<sub>k</sub>/p<sub>k</sub>",
    convention: "cross-entropy on a softmax output (log-sum-exp)",
  },
};
