/**
 * Geometry of the network diagram: where every neuron, its map, its activation dot and its bias badge sit,
 * for a given architecture and panel size. Pure arithmetic, no DOM.
 *
 * A neuron is drawn as a unit: its map over the input plane (a square, left) and its activation dot (a
 * circle on the square's right edge). Edges run from the dot of neuron k in layer l−1 to the left edge of
 * the map of neuron j in layer l, so W^l[j][k] is the edge (l, j, k).
 */

/** Bounds on a unit's map size: at least MAP_MIN CSS px, at most MAP_MAX_EM times the diagram's font. */
const MAP_MIN = 10;
const MAP_MAX_EM = 4.2;
/** Below this vertical pitch per neuron (in the diagram's font), per-neuron texts are shown only where they
 * matter. */
const DENSE_PITCH_EM = 2.6;
/** Width of one character of the diagram's numbers, in em (digits are 0.64 em in DejaVu Sans; Δ, − and +
 * wider), and the longest texts: "Δb +0.0016" (a value beside a dot) and "b −0.0979" (a bias value). */
const CHAR_EM = 0.68;
/** Per-neuron texts are at most this fraction of the vertical pitch, so two neighbours' never touch. */
const TEXT_PITCH = 0.75;
const VALUE_CHARS = 10;
/** The one-line text of a dense column: "z −0.358 → a −0.343". */
const DENSE_CHARS = 19;
const BIAS_CHARS = 10;

/**
 * Lay out a network of `sizes` = [n_0, n_1, ..., n_L] in a `width` × `height` box.
 * @param {number[]} sizes neurons per layer, inputs first
 * @param {number} width
 * @param {number} height
 * @param {{font?: number, noMaps?: boolean, sCap?: number}} [opts] font: the diagram's text size in CSS px
 *   (the stage's computed font size, fluid with the screen and presenter mode; every margin and the largest
 *   map scale with it); noMaps: data without a plane, neurons are dots only; sCap: the largest map side (set
 *   when smaller maps make room for the bias values)
 * @returns {{sizes: number[], width: number, height: number, s: number, r: number, pitch: number,
 *   dense: boolean, font: number, valueFont: number, oneLine: boolean, featureFont: number, bh: number,
 *   biasText: ("left" | "below" | null)[],
 *   columns: {x: number, left: number, right: number}[],
 *   nodes: {layer: number, row: number, x: number, y: number, cx: number, cy: number, bx: number,
 *   by: number}[][], top: number, bottom: number}}
 *   nodes[l][j]: (x, y) the map's top-left corner, (cx, cy) the activation dot's centre, (bx, by) the top-left
 *   corner of the bias badge (side bh; layers 1..L).
 *   s: map side, r: dot radius (CSS px); valueFont, featureFont: the size of the texts beside the neurons
 *   and of the input features' names (smaller in a dense column, never taller than TEXT_PITCH of the pitch);
 *   oneLine: a dense column's forward texts fit the gap as "z … → a …" (else they are "a …" alone).
 */
export function layoutNetwork(sizes, width, height, opts = {}) {
  const font = opts.font ?? 12;
  const top = Math.round(font * 2.1); // column titles
  const bottom = Math.round(font * 1.2);
  const left = Math.round(font * 4.4); // feature names
  const right = Math.round(font * 6.5); // output value / loss badge
  const maxN = Math.max(...sizes, 1);
  const nCols = sizes.length;
  const usableH = Math.max(40, height - top - bottom);
  const pitch = usableH / maxN;
  const colSpan = nCols > 1 ? (width - left - right) / (nCols - 1) : width - left - right;
  // The unit (map + half a dot) takes at most ~45% of a column; the rest is room for edges and labels.
  const sMax = MAP_MAX_EM * font;
  const noMaps = Boolean(opts.noMaps);
  const s = noMaps ? 0 : Math.max(MAP_MIN, Math.min(sMax, pitch * 0.7, colSpan * 0.34, opts.sCap ?? Infinity));
  const r = noMaps ? Math.max(5, Math.min(sMax * 0.45, pitch * 0.3, colSpan * 0.15)) : Math.max(4, s * 0.3);
  const unitW = noMaps ? 2 * r : s + r;
  const bh = Math.max(7, Math.min(font + 2, s * 0.34)); // bias badge side
  const columns = [];
  const nodes = [];
  for (let l = 0; l < nCols; l++) {
    // Column l's unit is centred on xCentre; the first and last sit against the margins.
    const frac = nCols > 1 ? l / (nCols - 1) : 0.5;
    const xCentre = left + unitW / 2 + frac * (width - left - right - unitW);
    const x = xCentre - unitW / 2;
    columns.push({ x: xCentre, left: x, right: x + unitW });
    const n = sizes[l];
    const colH = n * pitch;
    const y0 = top + (usableH - colH) / 2;
    const col = [];
    for (let j = 0; j < n; j++) {
      const cy = y0 + (j + 0.5) * pitch;
      const cx = noMaps ? x + r : x + s;
      // The bias badge: on the map's lower-left corner, or without maps on the dot's lower left.
      const bx = s > 0 ? x - bh * 0.5 : cx - r - bh * 0.4;
      const by = s > 0 ? cy - s / 2 + s - bh * 0.6 : cy + r * 0.2;
      col.push({ layer: l, row: j, x, y: cy - s / 2, cx, cy, bx, by });
    }
    nodes.push(col);
  }
  // Texts beside the neurons: never taller than TEXT_PITCH of the pitch; outside a dense layout never wider
  // than the gap to the next column's badges (where its bias values may be written).
  const dense = pitch < DENSE_PITCH_EM * font; // texts only where they matter
  const fit = TEXT_PITCH * pitch;
  // A dense column writes "z … → a …" on one line where the gap holds it, else only "a …".
  let valueFont = Math.min(dense ? smallFont(font) : font, Math.max(8, fit));
  const gap = minGap(columns, nodes);
  const oneLine = dense && gap >= CHAR_EM * DENSE_CHARS * valueFont;
  if (!oneLine) valueFont = Math.max(8, Math.min(valueFont, gap / (CHAR_EM * VALUE_CHARS)));
  const biasText = biasPlaces(columns, nodes, { s, r, bh, font, valueFont, pitch });
  // Bias values with nowhere to go: maps up to a fifth smaller may leave room under the badges.
  if (s > 0 && !dense && opts.sCap === undefined && biasText.includes(null, 1)) {
    const cap = pitch - 0.4 * bh - smallFont(font) * 1.3;
    if (cap >= Math.max(MAP_MIN, 0.8 * s) && cap < s) {
      const smaller = layoutNetwork(sizes, width, height, { ...opts, sCap: cap });
      if (!smaller.biasText.includes(null, 1)) return smaller;
    }
  }
  return {
    sizes: sizes.slice(),
    width,
    height,
    s,
    r,
    pitch,
    dense,
    font,
    valueFont,
    oneLine,
    featureFont: Math.min(font, Math.max(8, fit)),
    bh,
    biasText,
    columns,
    nodes,
    top,
    bottom,
  };
}

/** The font size (px) of bias values and of values in a dense layout. */
export function smallFont(font) {
  return Math.max(8, font - 2);
}

/**
 * Where each layer's bias values are written, so that no text covers another: "left" of the badges when the
 * gap between the previous column and the badges holds that column's values and the bias values; else
 * "below" the badge when the vertical pitch leaves room under each unit; else null (shown only for the
 * hovered or selected neuron). biasText[0] is null (inputs have no bias).
 */
function biasPlaces(columns, nodes, { s, r, bh, font, valueFont, pitch }) {
  if (columns.length < 2) return [null];
  const small = smallFont(font);
  const places = [null];
  for (let l = 1; l < columns.length; l++) {
    // Values start 2 px right of the previous column's dots; bias values end 2 px left of the badges.
    const gap = gapBefore(columns, nodes, l);
    const needed = CHAR_EM * (VALUE_CHARS * valueFont + BIAS_CHARS * small) + 4;
    // Under the badge (which reaches 0.4 bh below a map), or without maps under the dot: one line of text
    // before the next unit begins.
    const under = s > 0 ? pitch - s - 0.4 * bh : pitch - 2 * r;
    // Written under the badge, a long value must also end before the values right of the dots begin, or
    // stay above the next neuron's first value line.
    const width = CHAR_EM * BIAS_CHARS * small;
    const clearX = s > 0 ? width <= s + bh / 2 + r + 2 : width / 2 <= r + 2;
    const bottom = (s > 0 ? s / 2 + 0.4 * bh : r) + small * 1.25;
    const clearY = bottom <= pitch - 1.2 * valueFont;
    if (gap >= needed) places.push("left");
    else if (under >= small * 1.25 && (clearX || clearY)) places.push("below");
    else places.push(null);
  }
  return places;
}

/** Room (px) between the values right of column l−1's dots and column l's bias badges. */
function gapBefore(columns, nodes, l) {
  return nodes[l][0].bx - 2 - (columns[l - 1].right + 2);
}

/** The narrowest gapBefore of the layout (Infinity with one column). */
function minGap(columns, nodes) {
  let m = Infinity;
  for (let l = 1; l < columns.length; l++) m = Math.min(m, gapBefore(columns, nodes, l));
  return m;
}

/** Start (dot of k in layer l−1) and end (map of j in layer l) of edge W^l[j][k]. */
export function edgeEnds(layout, l, j, k) {
  const from = layout.nodes[l - 1][k];
  const to = layout.nodes[l][j];
  return { x1: from.cx + layout.r, y1: from.cy, x2: layout.s > 0 ? to.x : to.cx - layout.r, y2: to.cy };
}

/**
 * The edge nearest to (px, py) within `tolerance` pixels, as {layer, row, col}, or null.
 * Only points between the two columns count, so a click on a map never picks an edge.
 */
export function nearestEdge(layout, px, py, tolerance) {
  let best = null;
  let bestD = tolerance;
  for (let l = 1; l < layout.sizes.length; l++) {
    const xa = layout.columns[l - 1].right;
    const xb = layout.columns[l].left;
    if (px < xa || px > xb) continue;
    for (let j = 0; j < layout.sizes[l]; j++) {
      for (let k = 0; k < layout.sizes[l - 1]; k++) {
        const e = edgeEnds(layout, l, j, k);
        const d = segmentDistance(px, py, e.x1, e.y1, e.x2, e.y2);
        if (d < bestD) {
          bestD = d;
          best = { layer: l, row: j, col: k };
        }
      }
    }
  }
  return best;
}

/** Distance from (px, py) to the segment (x1, y1)–(x2, y2). */
function segmentDistance(px, py, x1, y1, x2, y2) {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - x1) * dx + (py - y1) * dy) / len2 : 0;
  t = Math.max(0, Math.min(1, t));
  const qx = x1 + t * dx - px;
  const qy = y1 + t * dy - py;
  return Math.sqrt(qx * qx + qy * qy);
}
