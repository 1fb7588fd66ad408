/**
 * When the network's edges are drawn. A repaint happens only when something drawn changed (values, faded
 * layers, overlay, scales, geometry).
 *
 * A network of at most CACHE_EDGES edges is drawn directly onto the view's canvas. A larger one keeps each
 * layer's edges in a canvas of its own (off the page): the edges of W^l all lie in the strip between columns
 * l−1 and l, so a phase that changes one layer (a forward or backward step) repaints one strip, and the view
 * copies the strips under the maps. While playing a large network, the edges are repainted at most every
 * THROTTLE_MS (20 Hz); the newest values are taken when the interval is over.
 */

import { drawEdges, edgeCount, edgeScales, faintLayer, maxEdgeWidth } from "./edges.js";

const CACHE_EDGES = 100;
const THROTTLE_MS = 50;

/** Layer l's numbers (weights, then the overlay's value for each, NaN where none) into `out` if it fits. */
function layerValues(model, l, out) {
  const W = model.weights[l - 1];
  const M = model.overlay?.mats?.[l];
  const n = W.length * (W[0]?.length ?? 0);
  const vals = out && out.length === 2 * n ? out : new Float64Array(2 * n);
  let i = 0;
  for (let j = 0; j < W.length; j++) {
    for (let k = 0; k < W[j].length; k++) {
      vals[i] = W[j][k];
      vals[n + i] = M?.[j]?.[k] ?? NaN;
      i++;
    }
  }
  return vals;
}

/** Same length and the same numbers (NaN equal to NaN). */
function sameNumbers(a, b) {
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  }
  return true;
}

/** A strip's left edge in CSS px, on a device pixel, with room for the lines' ends. */
function stripLeft(layout, l, dpr) {
  return Math.floor((layout.columns[l - 1].right - maxEdgeWidth(layout) - 2) * dpr) / dpr;
}

/**
 * Create the edge painter: `update` takes the newest model and says whether the edges changed, `draw` puts
 * the accepted edges onto the view's canvas.
 * @param {() => void} onLatePaint called when a repaint that the throttle held back has been accepted
 * @returns {{update: (layout: object, model: object) => boolean, draw: (ctx: CanvasRenderingContext2D) => void}}
 */
export function createEdgePainter(onLatePaint) {
  /** Per layer l: {key, values, canvas, x} of what is drawn (x: the strip's left edge, CSS px). */
  let layers = [];
  let lastPaint = -Infinity;
  let timer = null;
  let latest = null;
  /** The accepted {layout, model, cached, scales}: what draw() shows. */
  let shown = null;

  /** Accept the newest model if anything drawn differs, repainting the strips that changed; true if it did. */
  function accept() {
    timer = null;
    const { layout, model } = latest;
    const dpr = window.devicePixelRatio || 1;
    const scales = edgeScales(model);
    const size = `${layout.sizes.join(",")}|${layout.width}x${layout.height}|${layout.s}|${dpr}`;
    const geometry = `${size}|${scales.wm}|${scales.om}`;
    const cached = edgeCount(layout) > CACHE_EDGES;
    const L = layout.sizes.length - 1;
    if (layers.length !== L + 1) {
      layers = Array.from({ length: L + 1 }, () => ({ key: "", values: null, spare: null, canvas: null, x: 0 }));
    }
    const fresh = shown?.layout !== layout; // a new layout: every strip is drawn again
    let changed = false;
    for (let l = 1; l <= L; l++) {
      const s = layers[l];
      const key = `${geometry}|${faintLayer(layout, model, l)}|${Boolean(model.overlay?.mats[l])}`;
      s.spare = layerValues(model, l, s.spare);
      if (!fresh && key === s.key && sameNumbers(s.spare, s.values)) continue;
      [s.values, s.spare] = [s.spare, s.values];
      s.key = key;
      changed = true;
      if (cached) paintStrip(s, layout, model, l, dpr, scales);
    }
    if (!changed) return false;
    shown = { layout, model, cached, scales };
    lastPaint = performance.now();
    return true;
  }

  /** Repaint strip l: the edges of W^l (and their overlay) between columns l−1 and l. */
  function paintStrip(s, layout, model, l, dpr, scales) {
    if (!s.canvas) s.canvas = document.createElement("canvas");
    s.x = stripLeft(layout, l, dpr);
    const right = layout.columns[l].left + maxEdgeWidth(layout) + 2;
    const w = Math.ceil((right - s.x) * dpr);
    const h = Math.round(layout.height * dpr);
    if (s.canvas.width !== w || s.canvas.height !== h) {
      s.canvas.width = w;
      s.canvas.height = h;
    }
    const ctx = s.canvas.getContext("2d");
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.setTransform(dpr, 0, 0, dpr, -s.x * dpr, 0);
    drawEdges(ctx, layout, model, dpr, [l], scales);
  }

  /**
   * Take the newest model (held back while playing a large network until THROTTLE_MS after the last
   * repaint); true when the edges to show changed now. model: {weights, phase, overlay, playing}.
   * @param {object} layout from layoutNetwork
   * @param {object} model
   */
  function update(layout, model) {
    latest = { layout, model };
    if (timer !== null) {
      if (shown?.layout === layout) return false; // the newest model is taken when the timer fires
      clearTimeout(timer); // a new layout is drawn at once
      timer = null;
    }
    const throttled = edgeCount(layout) > CACHE_EDGES && model.playing && shown?.layout === layout;
    const wait = throttled ? lastPaint + THROTTLE_MS - performance.now() : 0;
    if (wait <= 0) return accept();
    timer = setTimeout(() => {
      if (accept()) onLatePaint();
    }, wait);
    return false;
  }

  /** Draw the accepted edges onto `ctx`, whose transform maps CSS px to the canvas (× devicePixelRatio). */
  function draw(ctx) {
    if (!shown) return;
    const { layout, model, scales } = shown;
    const dpr = window.devicePixelRatio || 1;
    const L = layout.sizes.length - 1;
    if (!shown.cached) {
      drawEdges(ctx, layout, model, dpr, Array.from({ length: L }, (_, i) => i + 1), scales);
      return;
    }
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    for (let l = 1; l <= L; l++) {
      const s = layers[l];
      if (s.canvas) ctx.drawImage(s.canvas, Math.round(s.x * dpr), 0);
    }
    ctx.restore();
  }

  return { update, draw };
}
