/**
 * Drawing for the decision-boundary view: the output map (or a neuron's map) as a heatmap, the data points,
 * the axes. Canvas only (putImageData into a res×res scratch canvas, then one scaled drawImage).
 */

import { classRGB, divergingRGB } from "../../palette.js";

/** The plane's domain (docs/protocol.md: grids cover [-6, 6]²). */
const DOMAIN = [-6, 6];
/** How much the background is lightened so points stay visible on it (0 = full colour). */
const WASH = 0.18;

/** Plot rectangle inside a canvas of css size w × h, leaving room for the axes. */
export function plotRect(w, h, font) {
  const left = Math.round(font * 3);
  const bottom = Math.round(font * 3);
  const top = 6;
  const right = 8;
  const side = Math.max(20, Math.min(w - left - right, h - top - bottom));
  // Centre the square plot in the room left over.
  const x = left + Math.max(0, (w - left - right - side) / 2);
  return { x, y: top, w: side, h: side };
}

/** Plane coordinates → canvas position. */
export function toCanvas(rect, x1, x2) {
  const [lo, hi] = DOMAIN;
  return { x: rect.x + ((x1 - lo) / (hi - lo)) * rect.w, y: rect.y + ((hi - x2) / (hi - lo)) * rect.h };
}

/** Canvas position → plane coordinates. */
export function toPlane(rect, px, py) {
  const [lo, hi] = DOMAIN;
  return [lo + ((px - rect.x) / rect.w) * (hi - lo), hi - ((py - rect.y) / rect.h) * (hi - lo)];
}

function wash(c) {
  return Math.round(c + (255 - c) * WASH);
}

/**
 * A colour function value → [r, g, b] for one-value maps: diverging around `centre` with ±half the scale.
 * @returns {(v: number) => number[]}
 */
export function divergingScale(centre, half) {
  return (v) => divergingRGB(v - centre, half);
}

/**
 * Paint a res×res map into `image` (an ImageData of that size).
 * map: {res, lo, hi, bytes, probs?, kind?}; for kind "multiclass" bytes = class, probs = probability 0..255.
 * @param {ImageData} image
 * @param {object} map
 * @param {(v: number) => number[]} color for one-value maps
 * @param {number} classes for multiclass maps
 */
export function paintMap(image, map, color, classes) {
  const px = image.data;
  const n = map.res * map.res;
  if (map.kind === "multiclass" && map.probs) {
    // Class colour shaded by probability: 1/K (a toss-up) is white, 1 is the class's full colour.
    const k = Math.max(2, classes || 2);
    for (let i = 0; i < n; i++) {
      const rgb = classRGB(map.bytes[i]);
      const p = map.probs[i] / 255;
      const u = Math.max(0, Math.min(1, (p - 1 / k) / (1 - 1 / k)));
      const o = i << 2;
      px[o] = wash(255 + (rgb[0] - 255) * u);
      px[o + 1] = wash(255 + (rgb[1] - 255) * u);
      px[o + 2] = wash(255 + (rgb[2] - 255) * u);
      px[o + 3] = 255;
    }
    return;
  }
  // One value per pixel: a 256-entry table from byte to colour.
  const lut = new Uint8ClampedArray(256 * 3);
  for (let b = 0; b < 256; b++) {
    const c = color(map.lo + ((map.hi - map.lo) * b) / 255);
    lut[3 * b] = wash(c[0]);
    lut[3 * b + 1] = wash(c[1]);
    lut[3 * b + 2] = wash(c[2]);
  }
  for (let i = 0; i < n; i++) {
    const e = map.bytes[i] * 3;
    const o = i << 2;
    px[o] = lut[e];
    px[o + 1] = lut[e + 1];
    px[o + 2] = lut[e + 2];
    px[o + 3] = 255;
  }
}

/** Axis ticks every 2 units, labels x₁ (bottom) and x₂ (left). */
export function drawAxes(ctx, rect, font, color) {
  ctx.save();
  ctx.strokeStyle = "rgba(0, 0, 0, 0.45)";
  ctx.lineWidth = 1;
  ctx.strokeRect(rect.x + 0.5, rect.y + 0.5, rect.w - 1, rect.h - 1);
  ctx.fillStyle = color;
  ctx.font = `${font}px system-ui, sans-serif`;
  for (let v = DOMAIN[0]; v <= DOMAIN[1]; v += 2) {
    const p = toCanvas(rect, v, v);
    ctx.beginPath();
    ctx.moveTo(p.x, rect.y + rect.h);
    ctx.lineTo(p.x, rect.y + rect.h + 4);
    ctx.moveTo(rect.x - 4, p.y);
    ctx.lineTo(rect.x, p.y);
    ctx.stroke();
    const label = v < 0 ? `\u2212${-v}` : String(v);
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.fillText(label, p.x, rect.y + rect.h + 5);
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    ctx.fillText(label, rect.x - 6, p.y);
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  ctx.fillText("x₁", rect.x + rect.w / 2, rect.y + rect.h + font + 9);
  ctx.save();
  ctx.translate(rect.x - font * 2.6, rect.y + rect.h / 2);
  ctx.textBaseline = "middle";
  ctx.fillText("x₂", 0, 0);
  ctx.restore();
  ctx.restore();
}

/**
 * Draw the points. Training points: filled discs with a white rim; test points: rings in their class
 * colour with a dark rim; the traced example: a black ring and cross hairs.
 * @param {CanvasRenderingContext2D} ctx
 * @param {object} rect
 * @param {{x: number, y: number, fill: string, test: boolean}[]} pts canvas positions and colours
 * @param {number} radius
 * @param {{x: number, y: number}|null} traced
 */
export function drawPoints(ctx, rect, pts, radius, traced) {
  ctx.save();
  ctx.beginPath();
  ctx.rect(rect.x, rect.y, rect.w, rect.h);
  ctx.clip();
  for (const p of pts) {
    ctx.beginPath();
    ctx.arc(p.x, p.y, radius, 0, 2 * Math.PI);
    if (p.test) {
      ctx.fillStyle = "rgba(255, 255, 255, 0.9)";
      ctx.fill();
      ctx.lineWidth = Math.max(1.5, radius * 0.55);
      ctx.strokeStyle = p.fill;
      ctx.stroke();
      ctx.lineWidth = 0.8;
      ctx.strokeStyle = "rgba(0, 0, 0, 0.7)";
      ctx.beginPath();
      ctx.arc(p.x, p.y, radius + ctx.lineWidth, 0, 2 * Math.PI);
      ctx.stroke();
    } else {
      ctx.fillStyle = p.fill;
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.strokeStyle = "rgba(255, 255, 255, 0.95)";
      ctx.stroke();
    }
  }
  if (traced) {
    ctx.strokeStyle = "#000";
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(traced.x, traced.y, radius + 4, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (const [dx, dy] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
      ctx.moveTo(traced.x + dx * (radius + 5), traced.y + dy * (radius + 5));
      ctx.lineTo(traced.x + dx * (radius + 11), traced.y + dy * (radius + 11));
    }
    ctx.stroke();
  }
  ctx.restore();
}
