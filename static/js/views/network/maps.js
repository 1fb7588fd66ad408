/**
 * Every neuron's small map (its output over the input plane), drawn on the network view's canvas over the
 * edges and under the SVG.
 *
 * Each map arrives as res×res bytes with lo/hi (value = lo + (hi − lo)·byte/255). A map is coloured on its own
 * symmetric scale ±max(|lo|, |hi|), so white is always 0 and the shape of the neuron's function shows even
 * when its values are small; a constant map (no shape to show) is coloured on the dots' ±1 scale, at its true
 * colour (palette.mapHalf). Per map only a 256-entry byte → RGBA table is computed; the pixels of every map
 * go into one atlas image (one putImageData per frame), and each map is then drawn scaled from its tile.
 */

import { divergingRGB, mapHalf } from "../../palette.js";

/** Colour of a neuron whose map has not arrived yet. */
const MISSING = "rgb(238, 238, 238)";
/** Is this machine little-endian (RGBA bytes packed as 0xAABBGGRR)? */
const LITTLE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** One pixel's RGBA packed into a uint32 in the machine's byte order. */
function pack(r, g, b) {
  return LITTLE ? ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0 : ((r << 24) | (g << 16) | (b << 8) | 255) >>> 0;
}

/** The palette sampled at 256 points from −1 to +1, packed RGBA. */
function basePalette() {
  const lut = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    const [r, g, b] = divergingRGB(i / 127.5 - 1, 1);
    lut[i] = pack(r, g, b);
  }
  return lut;
}

/** Same length and the same bytes. */
export function sameBytes(a, b) {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Create a painter that keeps its atlas and tables between frames: {update, draw}. */
export function createMapPainter() {
  const base = basePalette();
  const lut = new Uint32Array(256);
  const atlas = document.createElement("canvas");
  const actx = atlas.getContext("2d");
  let image = null;
  let pixels = null;
  /** What the atlas holds: {layout, maps, units} (the maps' bytes stay views into their frame). */
  let held = null;

  /** Fill `lut` so byte k gets the colour of lo + (hi − lo)·k/255 on a ±max(|lo|,|hi|) scale (a constant
   * map on the dots' ±1 scale: palette.mapHalf). */
  function buildLut(lo, hi) {
    const m = mapHalf(lo, hi);
    for (let k = 0; k < 256; k++) {
      const v = lo + ((hi - lo) * k) / 255;
      const t = m > 0 ? v / m : 0;
      lut[k] = base[Math.max(0, Math.min(255, Math.round((t + 1) * 127.5)))];
    }
  }

  /** An atlas of `count` tiles of tile×tile pixels (grown when needed, never shrunk); returns its columns. */
  function ensureAtlas(count, tile) {
    const cols = Math.max(1, Math.ceil(Math.sqrt(count)));
    const rows = Math.max(1, Math.ceil(count / cols));
    const w = cols * tile;
    const h = rows * tile;
    if (!image || image.width < w || image.height < h) {
      atlas.width = Math.max(w, image?.width ?? 0);
      atlas.height = Math.max(h, image?.height ?? 0);
      image = actx.createImageData(atlas.width, atlas.height);
      pixels = new Uint32Array(image.data.buffer);
    }
    return cols;
  }

  /**
   * Copy one map's pixels, coloured, into its tile with top-left pixel (tx, ty), plus a one-pixel border
   * repeating its edge pixels (smoothing when scaling never blends in a neighbouring tile).
   */
  function fillTile(map, tx, ty) {
    buildLut(map.lo, map.hi);
    const res = map.res;
    const bytes = map.bytes;
    const stride = image.width;
    for (let r = -1; r <= res; r++) {
      const src = Math.min(res - 1, Math.max(0, r)) * res;
      let dst = (ty + r) * stride + tx - 1;
      pixels[dst++] = lut[bytes[src]];
      for (let c = 0; c < res; c++) pixels[dst++] = lut[bytes[src + c]];
      pixels[dst] = lut[bytes[src + res - 1]];
    }
  }

  /** Are these the maps the atlas holds (stepping through the phases of one iteration repeats them)? */
  function unchanged(layout, maps) {
    if (!held || held.layout !== layout) return false;
    const before = held.maps;
    if (maps === before) return true;
    const keys = Object.keys(maps ?? {});
    if (keys.length !== Object.keys(before ?? {}).length) return false;
    for (const k of keys) {
      const a = maps[k];
      const b = before[k];
      if (!b || a.res !== b.res || a.lo !== b.lo || a.hi !== b.hi || !sameBytes(a.bytes, b.bytes)) return false;
    }
    return true;
  }

  /**
   * Colour every neuron's map of `layout` into the atlas; false (nothing done) when they are the maps it
   * already holds.
   * @param {object} layout from layoutNetwork
   * @param {Record<string, {res: number, lo: number, hi: number, bytes: Uint8Array}>} maps
   */
  function update(layout, maps) {
    if (unchanged(layout, maps)) return false;
    const units = [];
    let tile = 1;
    for (const col of layout.nodes) {
      for (const n of col) {
        const map = maps?.[`${n.layer}:${n.row}`];
        const ok = map && map.bytes && map.res > 0 && map.bytes.length >= map.res * map.res;
        units.push({ n, map: ok ? map : null, tx: 0, ty: 0 });
        if (ok) tile = Math.max(tile, map.res + 2);
      }
    }
    const withMaps = units.filter((u) => u.map);
    if (withMaps.length > 0) {
      const cols = ensureAtlas(withMaps.length, tile);
      withMaps.forEach((u, i) => {
        u.tx = (i % cols) * tile + 1;
        u.ty = Math.floor(i / cols) * tile + 1;
        fillTile(u.map, u.tx, u.ty);
      });
      actx.putImageData(image, 0, 0);
    }
    held = { layout, maps, units };
    return true;
  }

  /**
   * Draw each map (scaled from the atlas) at its neuron's place; `ctx` is in CSS pixels.
   * @param {CanvasRenderingContext2D} ctx
   * @param {object} layout the layout of the last update
   */
  function draw(ctx, layout) {
    const s = layout.s;
    if (s <= 0 || !held || held.layout !== layout) return;
    ctx.imageSmoothingEnabled = true;
    ctx.fillStyle = MISSING;
    for (const u of held.units) {
      if (u.map) ctx.drawImage(atlas, u.tx, u.ty, u.map.res, u.map.res, u.n.x, u.n.y, s, s);
      else ctx.fillRect(u.n.x, u.n.y, s, s);
    }
  }

  return { update, draw };
}
