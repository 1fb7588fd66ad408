/**
 * Formula panel, headline of the layer's column: the current phase's equations for the whole layer in vector
 * form, typeset with KaTeX (forward z^l = W^l a^(l−1) + b^l, a^l = g(z^l); the loss and the batch mean;
 * backward δ^l and ∂L/∂W^l; the optimiser's update), in the notation in use. No numbers: they stay in the
 * hand-built lines, which change every frame while playing.
 *
 * Typesetting costs milliseconds (tests/bench/bench_formula_tex.py), so each formula is typeset once and
 * cloned into the panel at every render: a headline changes only with the phase, the layer, the notation
 * and the configuration.
 */

import { tex } from "../shared/tex.js";
import { hasMask } from "./dropout.js";
import { activationOf } from "./terms.js";

/** g as a LaTeX function name. */
const G_TEX = {
  sigmoid: "\\sigma",
  tanh: "\\tanh",
  relu: "\\operatorname{relu}",
  leaky_relu: "\\operatorname{leaky\\_relu}",
  gelu: "\\operatorname{gelu}",
  linear: "\\operatorname{linear}",
  step: "\\operatorname{step}",
  softmax: "\\operatorname{softmax}",
};

/** The per-example loss ℓ as LaTeX (the conventions of terms.js's LOSS_TEXT). */
const LOSS_TEX = {
  mse: "\\ell = (1/n_L) \\sum_k (\\hat y_k - y_k)^2",
  half_sse: "\\ell = \\dfrac{1}{2} \\sum_k (\\hat y_k - y_k)^2",
  sse: "\\ell = \\sum_k (\\hat y_k - y_k)^2",
  l1: "\\ell = \\sum_k \\lvert \\hat y_k - y_k \\rvert",
  bce: "\\ell = -\\sum_k \\left[ y_k \\log \\hat y_k + (1 - y_k) \\log (1 - \\hat y_k) \\right]",
  cross_entropy: "\\ell = -\\sum_k y_k \\log p_k",
};

/** (W^l)ᵀ or W^l: the matrix that maps a^(l−1) to z^l in the notation in use. */
const forwardW = (notation, l) => (notation === "columns" ? `(W^{${l}})^{\\top}` : `W^{${l}}`);
/** The matrix that takes δ^(l+1) back to layer l: the transpose of forwardW. */
const backwardW = (notation, l) => (notation === "columns" ? `W^{${l}}` : `(W^{${l}})^{\\top}`);

/** The regularisation's part of ∂L/∂W^l ("" without one). */
function regularisation(config, l) {
  if (!config.regularization || config.regularization === "none" || !(config.regularization_rate > 0)) return "";
  return config.regularization === "l1" ? ` + \\lambda \\operatorname{sign}(W^{${l}})` : ` + \\lambda W^{${l}}`;
}

/** ∂L/∂W^l: the batch mean (and the regularisation's part); ∂L/∂b^l = (1/B) Σ δ is left to the lines. */
function weightGradient(ctx, l) {
  const outer = ctx.notation === "columns" ? `a^{${l - 1}}_i (\\delta^{${l}}_i)^{\\top}` : `\\delta^{${l}}_i (a^{${l - 1}}_i)^{\\top}`;
  return `\\partial L/\\partial W^{${l}} = (1/B) \\sum_i ${outer}${regularisation(ctx.config, l)}`;
}

/** Whether layer l's forward values carry a dropout mask in this iteration (dropout.js). */
const masked = (ctx, l) => hasMask(ctx.idx.forward[l]?.example);

/** δ^l of the traced example: at the output from the loss, else from the layer above. */
function delta(ctx, l) {
  const act = activationOf(ctx.config, l, ctx.L);
  const g = G_TEX[act] ?? "g";
  if (l < ctx.L) return `\\delta^{${l}} = ${masked(ctx, l) ? `m^{${l}}/(1 - p) \\odot ` : ""}${g}'(z^{${l}}) \\odot ${backwardW(ctx.notation, l + 1)} \\delta^{${l + 1}}`;
  const loss = ctx.config.loss;
  if (act === "softmax" && loss === "cross_entropy") return `\\delta^{${l}} = p - y`;
  if (act === "sigmoid" && loss === "bce") return `\\delta^{${l}} = \\hat y - y`;
  if (act === "softmax") return `\\delta^{${l}} = (\\partial p/\\partial z^{${l}})^{\\top}\\, \\partial \\ell/\\partial p`;
  return `\\delta^{${l}} = \\partial \\ell/\\partial \\hat y \\odot ${g}'(z^{${l}})`;
}

/** The optimiser's rule for every weight matrix (biases alike). */
function update(ctx) {
  const opt = ctx.config.optimizer ?? "sgd";
  const grad = "\\partial L/\\partial W^{l}";
  if (opt === "momentum") return [`v \\leftarrow \\mu v + ${grad}`, "W^{l} \\leftarrow W^{l} - \\eta v"];
  if (opt === "adam") {
    return [
      `m \\leftarrow \\beta_1 m + (1 - \\beta_1) ${grad}`,
      `v \\leftarrow \\beta_2 v + (1 - \\beta_2) (${grad})^{2}`,
      "W^{l} \\leftarrow W^{l} - \\eta\\, \\hat m/(\\sqrt{\\hat v} + \\epsilon)",
    ];
  }
  return [`W^{l} \\leftarrow W^{l} - \\eta\\, ${grad}`, "b^{l} \\leftarrow b^{l} - \\eta\\, \\partial L/\\partial b^{l}"];
}

/**
 * The headline's formulas (LaTeX, one per line-able piece) for the phase in `ctx` and layer `l` (the
 * phase's layer, else the one the panel shows).
 * @param {object} ctx see math.js
 * @param {number} l
 * @returns {string[]}
 */
export function headlineFormulas(ctx, l) {
  const kind = ctx.phase.kind;
  if (kind === "loss") return [LOSS_TEX[ctx.config.loss] ?? "\\ell", "L = (1/B) \\sum_i \\ell_i"];
  if (kind === "update") return update(ctx);
  if (l < 1) return [];
  if (kind === "backward") return [delta(ctx, l), weightGradient(ctx, l)];
  const g = G_TEX[activationOf(ctx.config, l, ctx.L)] ?? "g";
  const a = masked(ctx, l) ? `a^{${l}} = m^{${l}} \\odot ${g}(z^{${l}})/(1 - p)` : `a^{${l}} = ${g}(z^{${l}})`;
  return [`z^{${l}} = ${forwardW(ctx.notation, l)} a^{${l - 1}} + b^{${l}}`, a];
}

/** Typeset formulas by their LaTeX (a handful per configuration; bounded anyway). */
const typeset = new Map();
const KEPT = 64;

/** The typeset formula: the kept element itself when the panel re-rendered it away (the usual case: the
 * HTML around it changed), a copy when it is still shown somewhere. */
function typesetOnce(latex) {
  let el = typeset.get(latex);
  if (!el) {
    if (typeset.size >= KEPT) typeset.delete(typeset.keys().next().value);
    el = document.createElement("span");
    el.className = "mv-tex";
    tex(el, latex);
    typeset.set(latex, el);
  }
  return el.isConnected ? el.cloneNode(true) : el;
}

/**
 * The headline's placeholder in the panel's HTML: its formulas go in its data-tex (escaped by the caller's
 * `esc`), so a changed headline changes the HTML; fillHeadline typesets them after the HTML is in place.
 * @param {string[]} formulas
 * @param {(s: string) => string} esc
 */
export function headlinePlaceholder(formulas, esc) {
  return formulas.length ? `<div class="mv-headline" data-tex="${esc(JSON.stringify(formulas))}"></div>` : "";
}

/** Put the typeset formulas into every headline placeholder under `body`. */
export function fillHeadline(body) {
  for (const slot of body.querySelectorAll(".mv-headline[data-tex]")) {
    slot.replaceChildren(...JSON.parse(slot.dataset.tex).map(typesetOnce));
  }
}
