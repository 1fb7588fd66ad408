/**
 * How weights are written, as the teacher's course writes them (the page's `ui.notation`):
 *
 * - "rows" (lecture 000, the engine's own layout): W^l ∈ ℝ^{n_l × n_(l−1)}, W^l_jk joins neuron k of layer
 *   l−1 to neuron j of layer l, z^l = W^l a^(l−1) + b^l.
 * - "columns" (lectures 001 and 004): w^(l)_ij joins neuron i of layer l−1 to neuron j of layer l, so the
 *   matrix is n_(l−1) × n_l (the transpose) and z^l = (W^l)ᵀ a^(l−1) + b^l.
 *
 * Only the writing changes: the numbers are the same weights. Callers pass the notation (`notationOf(state)`)
 * and name a weight by (layer, to, from) (to: neuron of layer l, from: neuron of layer l−1, 1-based or a
 * letter) to get it written the chosen way.
 */

import { sym } from "../math/terms.js";

export const NOTATIONS = {
  rows: "W[j][k]: to j from k, z = W a + b (lecture 000)",
  columns: "w_ij: from i to j, z = Wᵀ a + b (lectures 001, 004)",
};

/** The page's notation: "columns" when chosen, else "rows". */
export function notationOf(state) {
  return state.ui?.notation === "columns" ? "columns" : "rows";
}

/** The weight joining neuron `from` of layer l−1 to neuron `to` of layer l, as HTML: W^l_jk or w^(l)_ij. */
export function weightSym(notation, l, to, from) {
  return notation === "columns" ? sym("w", `(${l})`, `${from}${to}`) : sym("W", l, `${to}${from}`);
}

const sub = (n) => String(n).replace(/\d/g, (d) => "₀₁₂₃₄₅₆₇₈₉"[Number(d)]);
const sup = (n) => String(n).replace(/\d/g, (d) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[Number(d)]);

/** The bias of neuron j of layer l as text: b²₁. */
export function biasText(l, j) {
  return `b${sup(l)}${sub(j)}`;
}

/** The same as text with Unicode indices: W²₁₃ or w⁽²⁾₃₁. */
export function weightText(notation, l, to, from) {
  const sep = Number(to) >= 10 || Number(from) >= 10 ? "," : ""; // W¹₁₂,₃: indices of two digits
  return notation === "columns"
    ? `w⁽${sup(l)}⁾${sub(from)}${sep}${sub(to)}`
    : `W${sup(l)}${sub(to)}${sep}${sub(from)}`;
}

/** Where neuron `from`'s outgoing weights sit in W^l: "column 2 of W³" or "row 2 of W³" (HTML). */
export function outgoingOf(notation, l, from) {
  return `${notation === "columns" ? "row" : "column"} ${from} of ${sym("W", l)}`;
}

/** The layer's pre-activation as HTML: z^l = W^l a^(l−1) + b^l, or with (W^l)ᵀ. */
export function layerSum(notation, l, prev) {
  const w = notation === "columns" ? `(${sym("W", l)})ᵀ` : sym("W", l);
  return `${sym("z", l)} = ${w} ${sym("a", prev)} + ${sym("b", l)}`;
}

/**
 * A weight-shaped matrix (n_l rows of n_(l−1), as the engine sends it) and a selection {row: to, col: from}
 * (null: the whole row) as they are shown: transposed in the "columns" notation, where a neuron's weights are
 * a column.
 */
export function shownWeights(notation, M, sel = {}) {
  if (notation !== "columns") return { M, sel };
  const T = (M[0] ?? []).map((_, c) => M.map((row) => row[c]));
  return { M: T, sel: { row: sel.col ?? null, col: sel.row ?? null } };
}

/** The convention as a sentence. */
export function weightConvention(notation) {
  return notation === "columns"
    ? `${weightSym(notation, "l", "j", "i")} joins neuron i of layer l−1 to neuron j of layer l; ${sym("W", "l")} ∈ ℝ<sup>n<sub>l−1</sub>×n<sub>l</sub></sup> holds them as columns`
    : `${weightSym(notation, "l", "j", "k")} joins neuron k of layer l−1 to neuron j of layer l; ${sym("W", "l")} ∈ ℝ<sup>n<sub>l</sub>×n<sub>l−1</sub></sup> holds them as rows`;
}
