/**
 * Formula panel, the layer's column: the phase's equations for the layer (headline.js), its matrices and vectors with their shapes (W^l ∈ ℝ^{n_l×n_(l−1)},
 * b^l ∈ ℝ^{n_l}) and, for the current phase, the traced example's z, a, δ or the batch's ∂L/∂W and ΔW.
 */

import { fmt } from "../../format.js";
import { esc, sym } from "./terms.js";
import { prevSup } from "./forward.js";
import { shownWeights } from "../shared/notation.js";

/** ℝ^{r×c} or ℝ^{n}. */
function space(...dims) {
  return `ℝ<sup>${dims.join("×")}</sup>`;
}

/**
 * A matrix as a bracketed table, with the selected row / cell marked.
 * @param {string} nameHtml
 * @param {number[][]} M
 * @param {{row?: number|null, col?: number|null}} sel
 */
export function matrix(nameHtml, M, sel = {}) {
  const none = (v) => v === null || v === undefined;
  const marked = (i, c) => !(none(sel.row) && none(sel.col)) && (none(sel.row) || i === sel.row) && (none(sel.col) || c === sel.col);
  const rows = M.length;
  const cols = M[0]?.length ?? 0;
  const body = M.map((r, i) => {
    const cells = r
      .map((x, c) => {
        const cls = marked(i, c) ? ' class="sel"' : "";
        return `<td${cls}>${esc(fmt(x))}</td>`;
      })
      .join("");
    return `<tr>${cells}</tr>`;
  }).join("");
  return (
    `<div class="mv-mat"><div class="mv-mat-name">${nameHtml} ∈ ${space(rows, cols)}</div>` +
    `<table class="mv-matrix"><tbody>${body}</tbody></table></div>`
  );
}

/** A vector written as a transposed row: a¹ = (0.31, 0.21, 0)ᵀ ∈ ℝ³. */
export function vector(nameHtml, v, selIndex = null) {
  const items = Array.from(v ?? [], (x, i) => {
    const t = esc(fmt(x));
    return i === selIndex ? `<span class="sel">${t}</span>` : t;
  });
  return `<div class="mv-vec">${nameHtml} = (${items.join(", ")})ᵀ ∈ ${space(items.length)}</div>`;
}

/** A weight-shaped matrix (and its selection) as the notation in use shows it (notation.js). */
function weights(notation, nameHtml, M, sel) {
  const shown = shownWeights(notation, M, sel);
  return matrix(nameHtml, shown.M, shown.sel);
}

/**
 * Matrices and vectors of layer `l` for the current phase.
 * @param {object} ctx see math.js
 * @param {number} l
 * @param {{kind: string, layer: number, row: number, col?: number}|null} sel
 * @param {string} [headline] the phase's equations for the layer (headline.js), under the layer's name
 */
export function layerMatrices(ctx, l, sel, headline = "") {
  const kind = ctx.phase.kind;
  const onLayer = sel && sel.layer === l;
  const row = onLayer ? sel.row : null;
  const col = onLayer && sel.kind === "weight" ? sel.col : null;
  const cellSel = { row, col };
  const parts = [];
  const vecs = [];
  const fwd = ctx.idx.forward[l]?.example;
  const back = ctx.idx.backward[l];
  const L = ctx.L;
  if (kind === "update" && ctx.idx.update) {
    const u = ctx.idx.update;
    parts.push(weights(ctx.notation, `Δ${sym("W", l)}`, u.weight_changes[l - 1], cellSel));
    parts.push(weights(ctx.notation, `${sym("W", l)} (after)`, u.weights[l - 1], cellSel));
    vecs.push(vector(`Δ${sym("b", l)}`, u.bias_changes[l - 1], row));
    vecs.push(vector(`${sym("b", l)} (after)`, u.biases[l - 1], row));
  } else {
    parts.push(weights(ctx.notation, sym("W", l), ctx.weightsUsed(l), cellSel));
    vecs.push(vector(sym("b", l), ctx.biasesUsed(l), row));
  }
  if (kind === "forward" || kind === "loss" || (kind === "backward" && fwd)) {
    if (fwd) {
      vecs.push(vector(sym("a", prevSup(l)), fwd.a_prev, col));
      vecs.push(vector(sym("z", l), fwd.z, row));
      if (Array.isArray(fwd.mask)) vecs.push(vector(`${sym("m", l)} (dropout, p = ${esc(fmt(fwd.dropout))})`, fwd.mask, row));
      vecs.push(vector(sym("a", l), fwd.a, row));
    }
  }
  if (kind === "loss" && ctx.idx.loss && l === L) {
    const ex = ctx.idx.loss.example;
    vecs.push(vector("ŷ", ex.output, row));
    vecs.push(vector("y", ex.target, row));
    vecs.push(vector("∂ℓ/∂ŷ", ex.grad_output, row));
  }
  if (kind === "backward" && back) {
    vecs.push(vector(sym("δ", l), back.example.delta, row));
    parts.push(weights(ctx.notation, `∂L/∂${sym("W", l)}`, back.grad_weights, cellSel));
    vecs.push(vector(`∂L/∂${sym("b", l)}`, back.grad_biases, row));
  }
  const shape = `Layer ${l}: ${ctx.sizes[l]} neuron${ctx.sizes[l] === 1 ? "" : "s"} fed by ${ctx.sizes[l - 1]} ${l === 1 ? "input" : "neuron"}${ctx.sizes[l - 1] === 1 ? "" : "s"}`;
  return (
    `<div class="mv-layer"><div class="mv-layer-head">${shape}</div>${headline}` +
    `<div class="mv-mats">${parts.join("")}</div><div class="mv-vecs">${vecs.join("")}</div>` +
    `<p class="mv-note">Vectors are the traced example's; ∂L/∂W, ∂L/∂b and ΔW are the batch's (what the update uses).</p></div>`
  );
}
