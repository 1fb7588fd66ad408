/**
 * The parameters a slice can be taken over, as the page names them: option keys ("weight:l:row:col",
 * "bias:l:row"; the engine's layout, 0-based: row = neuron of layer l, col = neuron of layer l−1), their
 * labels in the page's notation, and the span that puts a whole path inside the box.
 */

/** {kind, layer, row, col} from an option key. */
export function parseKey(key) {
  const [kind, layer, row, col] = String(key).split(":");
  const p = { kind, layer: Number(layer), row: Number(row) };
  if (kind === "weight") p.col = Number(col);
  return p;
}

/**
 * The parameter as the page writes it: W²₁₃ / w⁽²⁾₃₁ for a weight (1-based neurons), b²₁ for a bias.
 * @param {{kind: string, layer: number, row: number, col?: number}} p
 * @param {string} notation "rows" or "columns"
 * @param {{weightText: Function, biasText: Function}} names notation.js's writers
 */
export function parameterLabel(p, notation, { weightText, biasText }) {
  return p.kind === "weight" ? weightText(notation, p.layer, p.row + 1, p.col + 1) : biasText(p.layer, p.row + 1);
}

/**
 * Every weight and bias of a network whose weights are `weights` (per layer n_l rows of n_(l−1)), grouped
 * by layer in the order the notation lists them: [{label, options: [{key, text}]}].
 */
export function parameterOptions(weights, notation, names) {
  const groups = [];
  weights.forEach((w, i) => {
    const l = i + 1;
    const rows = w.length;
    const cols = w[0]?.length ?? 0;
    const options = [];
    // The columns notation lists a layer's weights by the neuron they come from (w_ij, i first).
    const pairs = [];
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) pairs.push([r, c]);
    if (notation === "columns") pairs.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    for (const [r, c] of pairs) {
      const p = { kind: "weight", layer: l, row: r, col: c };
      options.push({ key: `weight:${l}:${r}:${c}`, text: `${parameterLabel(p, notation, names)}  (neuron ${c + 1} → ${r + 1})` });
    }
    for (let r = 0; r < rows; r++) {
      options.push({ key: `bias:${l}:${r}`, text: parameterLabel({ kind: "bias", layer: l, row: r }, notation, names) });
    }
    groups.push({ label: `Layer ${l}${l === weights.length ? " (output)" : ""}`, options });
  });
  return groups;
}

/** A span (within [lo, hi]) whose box around the current point holds the whole path, with a margin. */
export function pathSpan(reply, lo, hi) {
  const far = (values, centre) => Math.max(0, ...values.map((v) => Math.abs(v - centre)));
  const reach = Math.max(far(reply.path.first, reply.first.value), far(reply.path.second, reply.second.value));
  const span = reach > 0 ? reach * 1.15 : reply.span;
  return Math.min(hi, Math.max(lo, Number(span.toPrecision(3))));
}

/** The parameter as LaTeX: W^{3}_{12}, w^{(3)}_{21} or b^{3}_{1} (1-based neurons; a comma past 9). */
export function parameterTex(p, notation) {
  const pair = (a, b) => (a >= 10 || b >= 10 ? `${a},${b}` : `${a}${b}`);
  if (p.kind !== "weight") return `b^{${p.layer}}_{${p.row + 1}}`;
  return notation === "columns"
    ? `w^{(${p.layer})}_{${pair(p.col + 1, p.row + 1)}}`
    : `W^{${p.layer}}_{${pair(p.row + 1, p.col + 1)}}`;
}
