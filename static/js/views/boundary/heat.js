/**
 * The decision-boundary view's heatmap canvas: one map (the output's or a hovered neuron's) over the plot
 * square. The canvas holds the map at its own resolution (res × res pixels, one putImageData) and CSS
 * stretches it over the plot square, smoothed when composited; it is opaque, so nothing under it needs
 * drawing. It is repainted only when the map differs from the one shown (stepping through the phases of one
 * iteration repeats the same map).
 */

import { divergingScale, paintMap } from "./draw.js";
import { sameBytes } from "../network/maps.js";

/**
 * Create the heatmap layer (hidden until a map is drawn).
 * @returns {{canvas: HTMLCanvasElement, place: (rect: object) => void, hide: () => void,
 *   draw: (map: object, scale: {centre: number, half: number} | undefined, who: string) => void}}
 */
export function createHeat() {
  const canvas = document.createElement("canvas");
  canvas.className = "bv-heat";
  canvas.hidden = true;
  const ctx = canvas.getContext("2d", { alpha: false });
  let image = null;
  let rect = null;
  /** What the canvas shows: {map, who, scale}, or null. */
  let shown = null;

  /** Put the canvas on the plot square `r` ({x, y, w, h} in CSS px of the stage). */
  function place(r) {
    rect = r;
    Object.assign(canvas.style, { left: `${r.x}px`, top: `${r.y}px`, width: `${r.w}px`, height: `${r.h}px` });
  }

  function hide() {
    shown = null;
    canvas.hidden = true;
  }

  function same(map, who, scaleKey) {
    const s = shown;
    if (!s || s.who !== who || s.scale !== scaleKey) return false;
    const m = s.map;
    if (m === map) return true;
    const sameScale = m.res === map.res && m.kind === map.kind && m.lo === map.lo && m.hi === map.hi;
    return sameScale && sameBytes(m.bytes, map.bytes) && sameBytes(m.probs, map.probs);
  }

  /**
   * Show `map`: one value per pixel on the diverging `scale`, or (multiclass, no scale) class colours.
   * `who` names whose map it is ("output" or "l:j"), so a change of neuron always repaints.
   */
  function draw(map, scale, who) {
    if (!rect) return;
    const scaleKey = scale ? `${scale.centre}|${scale.half}` : "classes";
    canvas.hidden = false;
    if (same(map, who, scaleKey)) return;
    shown = { map, who, scale: scaleKey };
    if (canvas.width !== map.res || canvas.height !== map.res || !image) {
      canvas.width = map.res;
      canvas.height = map.res;
      image = ctx.createImageData(map.res, map.res);
    }
    paintMap(image, map, scale ? divergingScale(scale.centre, scale.half) : null, map.classes);
    ctx.putImageData(image, 0, 0);
  }

  return { canvas, place, hide, draw };
}
