/**
 * The colour-blind-safe diverging palette: orange for negative values, white at zero, blue for positive
 * (TF Playground's sides; orange/blue stay distinct under protanopia, deuteranopia and tritanopia).
 * Class colours start with the same orange and blue so a two-class data set reads like the palette.
 */

import { fmt } from "./format.js";

/** Palette stops from −1 to +1 (ColorBrewer PuOr's orange arm, RdBu's blue arm, a near-white centre). */
const STOPS = [
  [-1.0, [230, 97, 1]],
  [-0.5, [253, 184, 99]],
  [0.0, [247, 247, 247]],
  [0.5, [146, 197, 222]],
  [1.0, [5, 113, 176]],
];

/** Okabe–Ito based class colours (first two match the palette's ends). */
const CLASS_RGB = [
  [230, 97, 1],
  [5, 113, 176],
  [0, 158, 115],
  [204, 121, 167],
  [240, 228, 66],
  [86, 180, 233],
  [213, 94, 0],
  [120, 94, 240],
  [100, 100, 100],
  [0, 0, 0],
];

/** Colours of the two gradient channels the network view uses besides the palette. */
export const GRADIENT_COLOR = "rgb(136, 34, 85)";
export const HIGHLIGHT_COLOR = "rgb(17, 119, 51)";

/**
 * [r, g, b] (0..255 integers) for `value` on a scale where ±maxAbs are the palette's ends.
 * Values beyond ±maxAbs clamp; maxAbs ≤ 0 (or not finite) shows every value as the centre.
 * @param {number} value
 * @param {number} maxAbs
 * @returns {[number, number, number]}
 */
export function divergingRGB(value, maxAbs) {
  let t = maxAbs > 0 && Number.isFinite(maxAbs) ? value / maxAbs : 0;
  if (!Number.isFinite(t)) t = 0;
  if (t < -1) t = -1;
  else if (t > 1) t = 1;
  let i = 0;
  while (i < STOPS.length - 2 && t > STOPS[i + 1][0]) i++;
  const [t0, c0] = STOPS[i];
  const [t1, c1] = STOPS[i + 1];
  const u = (t - t0) / (t1 - t0);
  return [
    Math.round(c0[0] + (c1[0] - c0[0]) * u),
    Math.round(c0[1] + (c1[1] - c0[1]) * u),
    Math.round(c0[2] + (c1[2] - c0[2]) * u),
  ];
}

/** A map whose values differ by no more than this fraction of their size is constant. */
const CONSTANT_SPREAD = 1e-6;

/** Whether a map over [lo, hi] holds one value. */
export function isConstant(lo, hi) {
  return hi - lo <= CONSTANT_SPREAD * Math.max(1, Math.abs(lo), Math.abs(hi));
}

/**
 * The ±scale a neuron's map is coloured on: its own largest |value|, so its shape shows; a constant map has no
 * shape, only its value, so it is coloured on the ±1 scale of the neurons' dots (at least its |value|): its
 * true colour, not full saturation.
 */
export function mapHalf(lo, hi) {
  const m = Math.max(Math.abs(lo), Math.abs(hi));
  return isConstant(lo, hi) ? Math.max(1, m) : m;
}

/**
 * CSS colour "rgb(r, g, b)" for `value` on a ±maxAbs scale.
 * @param {number} value
 * @param {number} maxAbs
 */
export function divergingColor(value, maxAbs) {
  const [r, g, b] = divergingRGB(value, maxAbs);
  return `rgb(${r}, ${g}, ${b})`;
}

/** [r, g, b] of class k (cycles after ten classes). */
export function classRGB(k) {
  const n = CLASS_RGB.length;
  return CLASS_RGB[((k % n) + n) % n];
}

/** CSS colour of class k. */
export function classColor(k) {
  const [r, g, b] = classRGB(k);
  return `rgb(${r}, ${g}, ${b})`;
}

/**
 * Draw a horizontal legend into `canvas`: the palette from lo to hi with ticks at lo, 0 (when inside)
 * and hi, and `label` above. Uses the canvas's CSS size and devicePixelRatio for crisp text.
 * @param {HTMLCanvasElement} canvas
 * @param {number} lo
 * @param {number} hi
 * @param {string} [label]
 * @param {(x: number) => string} [format] tick formatter (default: up to 3 significant digits)
 */
export function drawLegend(canvas, lo, hi, label = "", format = defaultTick) {
  const dpr = window.devicePixelRatio || 1;
  const cssW = canvas.clientWidth || canvas.width;
  const cssH = canvas.clientHeight || canvas.height;
  if (canvas.width !== Math.round(cssW * dpr) || canvas.height !== Math.round(cssH * dpr)) {
    canvas.width = Math.round(cssW * dpr);
    canvas.height = Math.round(cssH * dpr);
  }
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, cssW, cssH);
  const style = getComputedStyle(canvas);
  const font = `${style.fontSize || "12px"} ${style.fontFamily || "sans-serif"}`;
  const fontPx = parseFloat(style.fontSize) || 12;
  ctx.font = font;
  ctx.fillStyle = style.color || "#222";
  const pad = 4;
  const top = label ? fontPx + 2 : 0;
  const barH = Math.max(6, cssH - top - fontPx - 6);
  const barW = Math.max(1, cssW - 2 * pad);
  if (label) {
    ctx.textAlign = "left";
    ctx.textBaseline = "top";
    ctx.fillText(label, pad, 0);
  }
  const maxAbs = mapHalf(lo, hi);
  const constant = isConstant(lo, hi);
  const span = constant ? 1 : hi - lo;
  for (let x = 0; x < barW; x++) {
    ctx.fillStyle = divergingColor(constant ? lo : lo + (span * (x + 0.5)) / barW, maxAbs);
    ctx.fillRect(pad + x, top, 1, barH);
  }
  ctx.strokeStyle = "rgba(0, 0, 0, 0.35)";
  ctx.strokeRect(pad + 0.5, top + 0.5, barW - 1, barH - 1);
  ctx.fillStyle = style.color || "#222";
  ctx.textBaseline = "top";
  // A constant map has one value: one label, centred. Otherwise lo and hi at the ends, 0 between them when it
  // lies inside; a label that would touch one already placed is left out (never two labels on top of each other).
  const ticks = constant
    ? [[lo, pad + barW / 2, `constant ${format(lo)}`]]
    : [
        [lo, pad, format(lo)],
        [hi, pad + barW, format(hi)],
        ...(lo < 0 && hi > 0 ? [[0, pad + (-lo / span) * barW, format(0)]] : []),
      ];
  const placed = [];
  const shown = [];
  const gap = 4;
  for (const [, anchor, text] of ticks) {
    const w = ctx.measureText(text).width;
    const left = Math.min(Math.max(anchor - w / 2, 0), cssW - w); // centred on its value, kept inside
    const box = { left, right: left + w };
    if (placed.some((p) => box.left < p.right + gap && box.right > p.left - gap)) continue;
    placed.push(box);
    shown.push(text);
    ctx.textAlign = "left";
    ctx.fillText(text, left, top + barH + 2);
  }
  canvas.dataset.ticks = shown.join("|"); // what the legend says, for reading it without pixels
  canvas.dataset.ticksBoxes = JSON.stringify(placed.map((p) => [Math.round(p.left * 10) / 10, Math.round(p.right * 10) / 10]));
}

function defaultTick(x) {
  return fmt(x, 3);
}
