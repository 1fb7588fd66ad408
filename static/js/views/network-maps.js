/**
 * Paints every neuron's small map (its output over the input plane) onto one canvas under the diagram.
 *
 * Each map arrives as res×res bytes with lo/hi (value = lo + (hi − lo)·byte/255). A map is coloured on its own
 * symmetric scale ±max(|lo|, |hi|), so white is always 0 and the shape of the neuron's function shows even
 * when its values are small. One 256-entry palette table is built once; per map only a 256-entry byte → entry
 * table is recomputed, then the pixels are copied and scaled with drawImage.
 */

import { divergingRGB } from "../palette.js";

/** The palette sampled at 256 points from −1 to +1: RGBA entries. */
function basePalette() {
  const lut = new Uint8ClampedArray(256 * 4);
  for (let i = 0; i < 256; i++) {
    const [r, g, b] = divergingRGB(i / 127.5 - 1, 1);
    lut.set([r, g, b, 255], 4 * i);
  }
  return lut;
}

/** Create a painter that reuses its scratch canvas and tables between frames. */
export function createMapPainter() {
  const base = basePalette();
  const remap = new Uint8Array(256);
  const scratch = document.createElement("canvas");
  const sctx = scratch.getContext("2d");
  let image = null;

  /** Fill `remap` so byte k picks the palette entry of lo + (hi − lo)·k/255 on a ±max(|lo|,|hi|) scale. */
  function buildRemap(lo, hi) {
    const m = Math.max(Math.abs(lo), Math.abs(hi));
    for (let k = 0; k < 256; k++) {
      const v = lo + ((hi - lo) * k) / 255;
      const t = m > 0 ? v / m : 0;
      remap[k] = Math.max(0, Math.min(255, Math.round((t + 1) * 127.5)));
    }
  }

  /** Paint one map into the scratch canvas (resized to res×res when needed). */
  function paintScratch(map) {
    const res = map.res;
    if (scratch.width !== res || scratch.height !== res || !image) {
      scratch.width = res;
      scratch.height = res;
      image = sctx.createImageData(res, res);
    }
    buildRemap(map.lo, map.hi);
    const px = image.data;
    const bytes = map.bytes;
    const n = Math.min(bytes.length, res * res);
    for (let i = 0; i < n; i++) {
      const e = remap[bytes[i]] << 2;
      const o = i << 2;
      px[o] = base[e];
      px[o + 1] = base[e + 1];
      px[o + 2] = base[e + 2];
      px[o + 3] = 255;
    }
    sctx.putImageData(image, 0, 0);
  }

  /**
   * Draw every neuron's map at its place in `layout` onto `canvas` (sized to the layout × devicePixelRatio).
   * @param {HTMLCanvasElement} canvas
   * @param {object} layout from layoutNetwork
   * @param {Record<string, {res: number, lo: number, hi: number, bytes: Uint8Array}>} maps
   */
  function paint(canvas, layout, maps) {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(layout.width * dpr);
    const h = Math.round(layout.height * dpr);
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, layout.width, layout.height);
    ctx.imageSmoothingEnabled = true;
    const s = layout.s;
    if (s <= 0) return;
    for (const col of layout.nodes) {
      for (const n of col) {
        const map = maps?.[`${n.layer}:${n.row}`];
        if (!map || !map.bytes || map.res <= 0) {
          ctx.fillStyle = "rgb(238, 238, 238)";
          ctx.fillRect(n.x, n.y, s, s);
          continue;
        }
        paintScratch(map);
        ctx.drawImage(scratch, n.x, n.y, s, s);
      }
    }
  }

  return { paint };
}
