/**
 * The Diagnostics view's tables: dead and saturated units per layer (with what each count means), and the
 * groups of identical units shown as the rows of W^l (the `ui.notation` decides how a weight is written).
 */

import { h } from "../../controls/dom.js";
import { notationOf } from "../shared/notation.js";

const SUP = (n) => String(n).replace(/\d/g, (d) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[Number(d)]);
const LETTERS = "ABCDEFGHIJKLMNOP";

function count(value, units) {
  return value === null || value === undefined ? "—" : `${value} / ${units}`;
}

/** The per-layer table and the one-line explanations under it. */
export function layerTable(reply) {
  const rule = reply.saturation;
  const rows = reply.layers.map((layer) =>
    h(
      "tr",
      { dataset: { layer: layer.layer } },
      h("th", { scope: "row" }, layer.layer === reply.layers.length ? `${layer.layer} (output)` : String(layer.layer)),
      h("td", {}, layer.activation),
      h("td", { class: "num diag-dead", title: "dead ReLU units" }, count(layer.dead, layer.units)),
      h("td", { class: "num diag-saturated", title: "saturated units" }, count(layer.saturated, layer.units)),
      h("td", { class: "num diag-gnorm" }, layer.grad_norm === null ? "—" : layer.grad_norm.toExponential(2)),
    ),
  );
  const table = h(
    "table",
    { class: "diag-table" },
    h(
      "thead",
      {},
      h("tr", {}, h("th", {}, "layer l"), h("th", {}, "g"), h("th", {}, "dead ReLU"), h("th", {}, "saturated"), h("th", {}, "‖∂L/∂Wˡ‖")),
    ),
    h("tbody", {}, ...rows),
  );
  const percent = Math.round(rule.examples * 100);
  return [
    h("h3", { class: "diag-subtitle" }, "Units per layer"),
    table,
    h(
      "p",
      { class: "diag-note" },
      h("b", {}, "Dead ReLU: "),
      "z ≤ 0 on every training example (lecture 002), so g′(z) = 0 on all of them and no example ever changes its incoming weights again.",
    ),
    h(
      "p",
      { class: "diag-note" },
      h("b", {}, "Saturated: "),
      `g′(z) ≤ ${rule.slope} × g's largest slope on at least ${percent} % of the examples (tanh and sigmoid at their plateaus, dead ReLUs): its gradient is ~0, it hardly learns. A dash: not counted (step, linear, the output unless its g′ enters δᴸ; dead ReLU: ReLU layers only).`,
    ),
  ];
}

function fmt(v) {
  return Number.isFinite(v) ? (Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(2) : v.toFixed(3)) : "—";
}

/** The rows of W^l of the layers with identical units, identical ones marked with the same letter. */
export function symmetryRows(reply, state) {
  const weights = state.frame?.weights ?? state.session?.weights ?? [];
  const biases = state.frame?.biases ?? state.session?.biases ?? [];
  const columns = notationOf(state) === "columns";
  const out = [h("h3", { class: "diag-subtitle" }, "Identical units (symmetry)")];
  const layers = reply.layers.filter((layer) => layer.symmetric.length > 0);
  if (layers.length === 0) {
    out.push(h("p", { class: "diag-note diag-none" }, "No two units of a layer have identical incoming weights and bias: the symmetry is broken."));
  }
  for (const layer of layers) {
    const w = weights[layer.layer - 1] ?? [];
    const b = biases[layer.layer - 1] ?? [];
    const mark = new Map();
    layer.symmetric.forEach((group, i) => group.units.forEach((u) => mark.set(u, i)));
    const lines = w.map((row, j) => {
      const g = mark.get(j);
      const who = columns ? `w${SUP("(" + layer.layer + ")")} column ${j + 1}` : `W${SUP(layer.layer)} row ${j + 1}`;
      return h(
        "tr",
        { class: g === undefined ? "" : `diag-same diag-g${g % 4}`, dataset: { unit: j, group: g ?? "" } },
        h("th", { scope: "row" }, who),
        h("td", { class: "num diag-row" }, row.map(fmt).join("  ")),
        h("td", { class: "num" }, `b = ${fmt(b[j])}`),
        h("td", { class: "diag-tag" }, g === undefined ? "" : `= ${LETTERS[g]}`),
      );
    });
    const stays = layer.symmetric.every((group) => group.outgoing_identical);
    const dropped = (state.session?.config?.dropout ?? [])[layer.layer - 1] > 0;
    out.push(
      h("p", { class: "diag-layer-title" }, `Layer ${layer.layer}: ${layer.symmetric.map((g, i) => `${LETTERS[i]} = units ${g.units.map((u) => u + 1).join(", ")}`).join("; ")}`),
      h("table", { class: "diag-table diag-rows", dataset: { layer: layer.layer } }, h("tbody", {}, ...lines)),
      h(
        "p",
        { class: "diag-note" },
        stays && dropped
          ? "Same incoming weights and bias give the same z on every example, but dropout drops them independently, so their updates differ and training pulls them apart."
          : stays
          ? "Same incoming weights and bias give the same z and a on every example; their outgoing weights are the same too, so backprop gives them the same δ and the same update: they stay identical forever (zero initialisation, lecture 001). Only a random init breaks the tie."
          : "Same incoming weights and bias give the same z on every example, but their outgoing weights differ, so their gradients differ and training will pull them apart.",
      ),
    );
  }
  return out;
}
