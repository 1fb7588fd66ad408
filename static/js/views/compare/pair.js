/**
 * One run's decision boundary in the compare dialog, drawn like the main boundary view (boundary/draw.js):
 * the output over the plane from GET /api/sessions/{id}/boundary (exact numbers, quantised here to the
 * main view's byte maps), washed, with the run's training points and the axes, on one canvas.
 */

import { classColor, divergingColor } from "../../palette.js";
import { divergingScale, drawAxes, drawPoints, paintMap, plotRect, toCanvas } from "../boundary/draw.js";
import { outputScale, regressionScale } from "../boundary/legend.js";
import { fitToScreen, textSize } from "../shared/view-frame.js";

/**
 * The boundary reply as a map the main view's painter takes: {res, kind, lo, hi, classes, bytes, probs}.
 * `values` (or `output`) is res·res numbers (row-major, row 0 at the top of the plane); for several classes
 * res·res rows of K probabilities (nested, or flat res·res·K), or the predicted class of each pixel followed
 * by its probability (2·res·res, as a frame's output map).
 * @param {{res?: number, resolution?: number, kind?: string, classes?: number|null, values?: number[], output?: number[]}} reply
 * @param {string} dataKind "classification" or "regression"
 */
export function toMap(reply, dataKind) {
  const r = reply.res ?? reply.resolution;
  const cells = r * r;
  const out = reply.values ?? reply.output ?? [];
  const nested = Array.isArray(out[0]);
  const k = nested ? out[0].length : reply.classes ?? Math.round(out.length / cells);
  if (reply.kind === "multiclass" || k > 1) {
    const bytes = new Uint8Array(cells);
    const probs = new Uint8Array(cells);
    const classThenProb = !nested && out.length === 2 * cells && k !== 2;
    for (let i = 0; i < cells; i++) {
      let best = 0;
      let p = 0;
      if (classThenProb) {
        best = out[i];
        p = out[cells + i];
      } else {
        const row = nested ? out[i] : out.slice(i * k, i * k + k);
        for (let j = 1; j < k; j++) if (row[j] > row[best]) best = j;
        p = row[best];
      }
      bytes[i] = best;
      probs[i] = Math.round(255 * Math.max(0, Math.min(1, p)));
    }
    return { res: r, kind: "multiclass", lo: 0, hi: 1, classes: k, bytes, probs };
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of out) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi >= lo)) lo = hi = 0;
  const bytes = new Uint8Array(cells);
  const span = hi - lo;
  for (let i = 0; i < cells; i++) bytes[i] = span > 0 ? Math.round((255 * (out[i] - lo)) / span) : 0;
  const kind = reply.kind ?? (dataKind === "regression" ? "regression" : "binary");
  return { res: r, kind, lo, hi, classes: null, bytes, probs: null };
}

/**
 * Draw one run's boundary into `canvas` (sized to its CSS box).
 * @param {HTMLCanvasElement} canvas
 * @param {object|null} reply the boundary reply, or null (points only)
 * @param {object} state {session: {config, data}} of that run
 */
export function drawBoundary(canvas, reply, state) {
  const w = Math.floor(canvas.clientWidth);
  const hgt = Math.floor(canvas.clientHeight);
  if (w < 20 || hgt < 20) return;
  const dpr = fitToScreen(canvas, w, hgt);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, hgt);
  const font = textSize(canvas);
  const rect = plotRect(w, hgt, font);
  const data = state.session?.data;
  if (reply && Array.isArray(reply.values ?? reply.output)) {
    const map = toMap(reply, data?.kind);
    const scratch = document.createElement("canvas");
    scratch.width = map.res;
    scratch.height = map.res;
    const sctx = scratch.getContext("2d");
    const image = sctx.createImageData(map.res, map.res);
    const scale = map.kind === "multiclass" ? null : outputScale(state, map);
    paintMap(image, map, scale ? divergingScale(scale.centre, scale.half) : null, map.classes);
    sctx.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(scratch, rect.x, rect.y, rect.w, rect.h);
  }
  drawAxes(ctx, rect, font, getComputedStyle(canvas).color || "#222");
  if (!data || !Array.isArray(data.points)) return;
  const regression = data.kind === "regression";
  const m = regression ? regressionScale(state, { lo: 0, hi: 0 }) : 1;
  const pts = data.train_indices.map((row) => {
    const [x1, x2] = data.points[row];
    const fill = regression ? divergingColor(data.labels[row], m) : classColor(data.labels[row]);
    return { ...toCanvas(rect, x1, x2), fill, test: false, index: row };
  });
  drawPoints(ctx, rect, pts, Math.max(2.5, font * 0.28), null);
}
