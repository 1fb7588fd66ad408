/**
 * Builds the network diagram's SVG once per architecture and panel size, and returns references to every
 * element the per-frame update touches (so a frame only changes attributes, never the element tree).
 */

import { edgeEnds } from "./network-layout.js";

const NS = "http://www.w3.org/2000/svg";

/** Create an SVG element with attributes. */
function svgEl(tag, attrs = {}, parent = null) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (parent) parent.appendChild(el);
  return el;
}

/**
 * Column titles as the lectures name layers: a⁰ = x, hidden layers, the output layer.
 * @param {number} l
 * @param {number} L
 */
function columnTitle(l, L) {
  if (l === 0) return "input x = a⁰";
  if (l === L) return `output a${supDigits(l)}`;
  return `layer ${l}`;
}

function supDigits(n) {
  const map = { 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };
  return String(n)
    .split("")
    .map((c) => map[c] ?? c)
    .join("");
}

/**
 * Build the diagram into `svg` (cleared first).
 * @param {SVGSVGElement} svg
 * @param {ReturnType<import("./network-layout.js").layoutNetwork>} layout
 * @param {string[]} featureLabels names of the input features
 * @returns {object} element references: bands, edges[l][j][k], grads[l][j][k], nodes[l][j], selEdge, lossBadge
 */
export function buildDiagram(svg, layout, featureLabels) {
  svg.replaceChildren();
  svg.setAttribute("width", String(layout.width));
  svg.setAttribute("height", String(layout.height));
  svg.setAttribute("viewBox", `0 0 ${layout.width} ${layout.height}`);
  svg.style.fontSize = `${layout.font}px`;
  const L = layout.sizes.length - 1;
  const { s, r, font } = layout;

  const gBands = svgEl("g", { class: "nv-bands" }, svg);
  const bands = layout.columns.map((c) => {
    const pad = Math.max(6, r);
    return svgEl(
      "rect",
      {
        class: "nv-band",
        x: c.left - pad,
        y: layout.top - font * 0.2,
        width: c.right - c.left + 2 * pad,
        height: layout.height - layout.top - layout.bottom + font * 0.4,
        rx: 6,
      },
      gBands,
    );
  });
  const titles = layout.columns.map((c, l) =>
    textEl(gBands, "nv-title", c.x, font * 1.2, columnTitle(l, L), "middle"),
  );

  // Weights: one solid line per W^l[j][k]; gradients/changes: a dashed line on top, hidden unless shown.
  const gEdges = svgEl("g", { class: "nv-edges" }, svg);
  const gGrads = svgEl("g", { class: "nv-grads", display: "none" }, svg);
  const edges = [null];
  const grads = [null];
  for (let l = 1; l <= L; l++) {
    const el = [];
    const gl = [];
    for (let j = 0; j < layout.sizes[l]; j++) {
      const row = [];
      const grow = [];
      for (let k = 0; k < layout.sizes[l - 1]; k++) {
        const e = edgeEnds(layout, l, j, k);
        row.push(svgEl("line", { class: "nv-edge", ...e }, gEdges));
        grow.push(svgEl("line", { class: "nv-grad", ...e }, gGrads));
      }
      el.push(row);
      gl.push(grow);
    }
    edges.push(el);
    grads.push(gl);
  }
  const selEdge = svgEl("line", { class: "nv-edge-selected", display: "none" }, svg);
  const hoverEdge = svgEl("line", { class: "nv-edge-hover", display: "none" }, svg);

  const gNodes = svgEl("g", { class: "nv-nodes" }, svg);
  const nodes = layout.nodes.map((col, l) =>
    col.map((n, j) => buildNode(gNodes, layout, n, l, j, l === 0 ? featureLabels[j] ?? `x${j + 1}` : null)),
  );

  // The loss badge sits right of the output layer; shown in the loss phase.
  const lossBadge = textEl(svg, "nv-loss", 0, 0, "", "start");
  lossBadge.setAttribute("display", "none");
  const edgeLabel = textEl(svg, "nv-edge-label", 0, 0, "", "middle");
  edgeLabel.setAttribute("display", "none");
  return { bands, titles, edges, grads, gGrads, nodes, selEdge, hoverEdge, lossBadge, edgeLabel, s, r };
}

/** One neuron: map frame (the map itself is painted on the canvas underneath), dot, value text, bias. */
function buildNode(parent, layout, n, l, j, featureLabel) {
  const { s, r, font, dense } = layout;
  const g = svgEl("g", { class: "nv-node", "data-layer": l, "data-row": j }, parent);
  const frame = svgEl("rect", { class: "nv-map-frame", x: n.x, y: n.y, width: s, height: s, rx: 2 }, g);
  const dot = svgEl("circle", { class: "nv-dot", cx: n.cx, cy: n.cy, r }, g);
  // Value texts: right of the dot, one above and one below the outgoing edges' fan.
  const valueFont = dense ? Math.max(8, font - 2) : font;
  const value = textEl(g, "nv-value", n.cx + r + 2, n.cy - valueFont * 0.35, "", "start");
  const value2 = textEl(g, "nv-value", n.cx + r + 2, n.cy + valueFont * 1.05, "", "start");
  value.style.fontSize = `${valueFont}px`;
  value2.style.fontSize = `${valueFont}px`;
  let label = null;
  if (featureLabel !== null) {
    label = textEl(g, "nv-feature", n.x - 4, n.cy + font * 0.35, featureLabel, "end");
  }
  let bias = null;
  if (l > 0) {
    // The bias b_j^l: a badge on the map's lower-left corner, its value written beside it when there is room.
    const bh = Math.max(7, Math.min(font + 2, s * 0.34));
    const bg = svgEl("g", { class: "nv-bias", "data-layer": l, "data-row": j }, g);
    // Without maps the badge sits on the dot's lower left.
    const bx = s > 0 ? n.x - bh * 0.5 : n.cx - r - bh * 0.4;
    const by = s > 0 ? n.y + s - bh * 0.6 : n.cy + r * 0.2;
    const box = svgEl("rect", { class: "nv-bias-box", x: bx, y: by, width: bh, height: bh, rx: 1.5 }, bg);
    const text = textEl(bg, "nv-bias-text", bx - 2, by + bh * 0.8, "", "end");
    text.style.fontSize = `${Math.max(8, font - 2)}px`;
    bias = { g: bg, box, text };
  }
  return { g, frame, dot, value, value2, label, bias };
}

/** An SVG text element. */
function textEl(parent, cls, x, y, text, anchor) {
  const t = svgEl("text", { class: cls, x, y, "text-anchor": anchor }, parent);
  t.textContent = text;
  return t;
}
