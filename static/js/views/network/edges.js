/**
 * Drawing the network's edges: a solid line per weight W^l[j][k] (colour by sign, saturation and width by
 * |w|) and, during backward and update, the channel on top (∂L/∂W or ΔW: wine for +, green for −, width by
 * magnitude relative to the largest in view): dashed, or in networks of more than THIN_EDGES edges solid over
 * faded weights.
 *
 * Colour and width are both functions of |v|/max|v|, quantised to LEVELS steps, so edges of one step share
 * a path: a repaint strokes a few dozen paths instead of one per weight (a 6 × 16 network has ~1,300).
 * What is drawn when: network-edge-painter.js.
 */

import { divergingColor, GRADIENT_COLOR, HIGHLIGHT_COLOR } from "../../palette.js";
import { edgeEnds } from "./layout.js";
import { maxAbs } from "./values.js";

/** Steps of |v|/max|v| (colour and width); 32 steps are closer than a screen shows. */
const LEVELS = 32;
/** Networks with more edges than this draw them as thin lines (see strokeGroup). */
const THIN_EDGES = 300;
/** The overlay's dash pattern (px on, px off). */
const DASH = [5, 3];

/** Largest edge width in px: thinner when many neurons share a column, so the structure stays readable. */
export function maxEdgeWidth(layout) {
  return Math.max(1.2, Math.min(5, layout.pitch * (layout.dense ? 0.1 : 0.16)));
}

/** Stroke colour of a weight at level i: its sign at a saturation that grows with |w| (never invisible). */
function weightColor(sign, i) {
  const q = Math.round((0.35 + (0.65 * i) / LEVELS) * 32) / 32;
  return divergingColor(sign * q, 1);
}

/** Level of |v| on a scale whose largest value is m. */
function levelOf(v, m) {
  return m > 0 ? Math.min(LEVELS, Math.round((Math.abs(v) / m) * LEVELS)) : 0;
}

/**
 * Add edge `e` to the group `key` of `groups` (Map key → flat [x1, y1, x2, y2, nx, ny, ...], n the unit
 * normal).
 */
function addSegment(groups, key, e) {
  let g = groups.get(key);
  if (!g) {
    g = [];
    groups.set(key, g);
  }
  const dx = e.x2 - e.x1;
  const dy = e.y2 - e.y1;
  const len = Math.hypot(dx, dy) || 1;
  g.push(e.x1, e.y1, e.x2, e.y2, -dy / len, dx / len);
}

/**
 * Stroke every segment of one group, `width` CSS px wide, as a single path. With `thin`, a line wider than
 * one device pixel is drawn as ⌈width·dpr⌉ parallel lines side by side, each at most one device pixel wide:
 * without a GPU the 2-D canvas draws those on its fast thin-line path, ~10× cheaper than a wide stroke (for
 * dense networks, whose lines are at most a few pixels wide; small networks get true strokes).
 */
function strokeGroup(ctx, coords, width, dpr, thin) {
  const n = thin ? Math.max(1, Math.ceil(width * dpr - 1e-6)) : 1;
  const sub = width / n;
  ctx.lineWidth = sub;
  ctx.beginPath();
  for (let i = 0; i < coords.length; i += 6) {
    const nx = coords[i + 4];
    const ny = coords[i + 5];
    for (let m = 0; m < n; m++) {
      const o = (m - (n - 1) / 2) * sub;
      ctx.moveTo(coords[i] + nx * o, coords[i + 1] + ny * o);
      ctx.lineTo(coords[i + 2] + nx * o, coords[i + 3] + ny * o);
    }
  }
  ctx.stroke();
}

/** The scales of the edges: the largest |w| of all weights and the largest overlay value. */
export function edgeScales(model) {
  return { wm: maxAbs(model.weights), om: model.overlay ? maxAbs(model.overlay.mats.filter(Boolean)) : 0 };
}

/** Is layer l's weights drawn faint: not reached by the forward pass yet, or (thin lines) under the overlay? */
export function faintLayer(layout, model, l) {
  const { phase, overlay } = model;
  return (phase.kind === "forward" && l > phase.layer) || Boolean(thinEdges(layout) && overlay?.mats[l]);
}

/**
 * Paint the weights and the overlay of the given `layers` of `model` onto `ctx` (cleared, scaled to CSS px).
 * model: {weights, phase, overlay: null | {mats: (number[][] | null)[]}}; scales from edgeScales.
 */
export function drawEdges(ctx, layout, model, dpr, layers, scales) {
  const maxW = maxEdgeWidth(layout);
  const thin = thinEdges(layout);
  const baseOpacity = layout.dense ? 0.7 : 0.9;
  // Key: faint × 2·(LEVELS+1) + sign × (LEVELS+1) + level.
  const span = LEVELS + 1;
  const groups = new Map();
  for (const l of layers) {
    const W = model.weights[l - 1];
    const faint = faintLayer(layout, model, l) ? 1 : 0;
    for (let j = 0; j < W.length; j++) {
      for (let k = 0; k < W[j].length; k++) {
        const w = W[j][k];
        addSegment(groups, faint * 2 * span + (w < 0 ? 0 : span) + levelOf(w, scales.wm), edgeEnds(layout, l, j, k));
      }
    }
  }
  ctx.lineCap = thin ? "butt" : "round";
  ctx.setLineDash([]);
  // Faint first, then by level: the strongest weights end up on top.
  const faint = (key) => (key >= 2 * span ? 0 : 1);
  const keys = [...groups.keys()].sort((a, b) => faint(a) - faint(b) || (a % span) - (b % span));
  for (const key of keys) {
    const sign = key % (2 * span) >= span ? 1 : -1;
    const level = key % span;
    ctx.globalAlpha = key >= 2 * span ? 0.3 : baseOpacity;
    ctx.strokeStyle = weightColor(sign, level);
    strokeGroup(ctx, groups.get(key), 0.5 + ((maxW - 0.5) * level) / LEVELS, dpr, thin);
  }
  if (model.overlay) drawOverlay(ctx, layout, model.overlay, layers, scales.om, maxW, dpr, thin);
  ctx.globalAlpha = 1;
  ctx.setLineDash([]);
}

/**
 * The gradient / change channel: zero and unknown values are not drawn. Dashed; with thin lines solid over
 * faint weights (dashing a thousand thin lines costs several times drawing them).
 */
function drawOverlay(ctx, layout, overlay, layers, om, maxW, dpr, thin) {
  const span = LEVELS + 1;
  const groups = new Map();
  for (const l of layers) {
    const M = overlay.mats[l];
    if (!M) continue;
    for (let j = 0; j < layout.sizes[l]; j++) {
      for (let k = 0; k < layout.sizes[l - 1]; k++) {
        const v = M[j]?.[k];
        if (v === undefined || v === null || v === 0) continue;
        addSegment(groups, (v > 0 ? span : 0) + levelOf(v, om), edgeEnds(layout, l, j, k));
      }
    }
  }
  ctx.lineCap = "butt";
  ctx.setLineDash(thin ? [] : DASH);
  ctx.globalAlpha = 0.95;
  const keys = [...groups.keys()].sort((a, b) => (a % span) - (b % span));
  for (const key of keys) {
    const level = key % span;
    ctx.strokeStyle = key >= span ? GRADIENT_COLOR : HIGHLIGHT_COLOR;
    strokeGroup(ctx, groups.get(key), 1 + ((maxW + 0.5) * level) / LEVELS, dpr, thin);
  }
}

/** Does the layout's network draw thin lines (and a solid overlay)? */
export function thinEdges(layout) {
  return edgeCount(layout) > THIN_EDGES;
}

/** Number of weights in the layout's network. */
export function edgeCount(layout) {
  let n = 0;
  for (let l = 1; l < layout.sizes.length; l++) n += layout.sizes[l] * layout.sizes[l - 1];
  return n;
}
