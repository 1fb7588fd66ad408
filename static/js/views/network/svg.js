/**
 * Builds the network diagram's SVG once per architecture and panel size (layer bands and titles, neurons
 * with their map frames, dots, values and bias badges, the selected/hovered edge marks, labels), and returns
 * references to every element the per-frame update touches (a frame only changes attributes, never the
 * element tree). The edges themselves are on a canvas (network-edges.js).
 */

import { smallFont } from "./layout.js";

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
 * @param {ReturnType<import("./layout.js").layoutNetwork>} layout
 * @param {string[]} featureLabels names of the input features
 * @returns {object} element references: bands, titles, nodes[l][j], selEdge, hoverEdge, lossBadge, edgeLabel
 */
export function buildDiagram(svg, layout, featureLabels) {
  svg.replaceChildren();
  svg.setAttribute("width", String(layout.width));
  svg.setAttribute("height", String(layout.height));
  svg.setAttribute("viewBox", `0 0 ${layout.width} ${layout.height}`);
  svg.style.fontSize = `${layout.font}px`;
  const L = layout.sizes.length - 1;
  const { s, r, font } = layout;
  halo(svg);

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

  // The edges are painted on a canvas under this SVG; the selected and the hovered one are marked here.
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
  return { bands, titles, nodes, selEdge, hoverEdge, lossBadge, edgeLabel, s, r };
}

/**
 * One neuron: map frame, dot outline, value texts, bias badge outline and text. The map and the colours of
 * the dot and the badge are painted on the canvas underneath (network-paint.js: drawNodes); the shapes here
 * are outlines with a transparent fill, which still catch clicks and hovering.
 */
function buildNode(parent, layout, n, l, j, featureLabel) {
  const { s, r, font, valueFont, featureFont } = layout;
  const g = svgEl("g", { class: "nv-node", "data-layer": l, "data-row": j }, parent);
  // The whole unit catches the pointer; the map's outline is drawn open where the dot and the bias badge
  // cover it (their colours are on the canvas below, so a closed outline would show through them).
  if (s > 0) svgEl("rect", { class: "nv-map-hit", x: n.x, y: n.y, width: s, height: s }, g);
  const frame = svgEl("path", { class: "nv-map-frame", d: frameOutline(layout, n, l > 0) }, g);
  const dot = svgEl("circle", { class: "nv-dot", cx: n.cx, cy: n.cy, r }, g);
  // Value texts: right of the dot, one above and one below the outgoing edges' fan.
  const value = textEl(g, "nv-value", n.cx + r + 2, n.cy - valueFont * 0.35, "", "start");
  const value2 = textEl(g, "nv-value", n.cx + r + 2, n.cy + valueFont * 1.05, "", "start");
  value.style.fontSize = `${valueFont}px`;
  value2.style.fontSize = `${valueFont}px`;
  let label = null;
  if (featureLabel !== null) {
    label = textEl(g, "nv-feature", n.x - 4, n.cy + featureFont * 0.35, featureLabel, "end");
    label.style.fontSize = `${featureFont}px`;
  }
  let bias = null;
  if (l > 0) {
    // The bias b_j^l: a badge on the map's lower-left corner, its value written left of it or under it
    // (layout.biasText: where no other text is; where there is no such room, left of it while hovered).
    const { bh } = layout;
    const { bx, by } = n;
    const small = smallFont(font);
    const bg = svgEl("g", { class: "nv-bias", "data-layer": l, "data-row": j }, g);
    const box = svgEl("rect", { class: "nv-bias-box", x: bx, y: by, width: bh, height: bh }, bg);
    let text;
    if (layout.biasText[l] !== "below") text = textEl(bg, "nv-bias-text", bx - 2, by + bh * 0.8, "", "end");
    else if (s > 0) text = textEl(bg, "nv-bias-text", bx, by + bh + small * 0.95, "", "start");
    else text = textEl(bg, "nv-bias-text", n.cx, n.cy + r + small * 0.95, "", "middle");
    text.style.fontSize = `${small}px`;
    bias = { g: bg, box, text };
  }
  return { g, frame, dot, value, value2, label, bias };
}

/** The map's outline from the dot's top round to the dot's bottom, leaving out the bias badge's corner. */
function frameOutline(layout, n, withBias) {
  const { s, r, bh } = layout;
  if (s <= 0) return "";
  const right = n.x + s;
  const bottom = n.y + s;
  const start = `M${right},${n.cy - r}V${n.y}H${n.x}`;
  const end = `H${right}V${n.cy + r}`;
  return withBias ? `${start}V${n.by}M${n.bx + bh},${bottom}${end}` : `${start}V${bottom}${end}`;
}

/**
 * The halo behind the diagram's numbers (views-network.css applies it): the text's box filled with the
 * panel's white, then the text, so no edge on the canvas underneath ever crosses a value label.
 */
function halo(svg) {
  const defs = svgEl("defs", {}, svg);
  const filter = svgEl("filter", { id: "nv-halo", x: "-0.04", y: "-0.06", width: "1.08", height: "1.12" }, defs);
  svgEl("feFlood", { "flood-color": "#ffffff", "flood-opacity": "1", result: "box" }, filter);
  svgEl("feComposite", { in: "SourceGraphic", in2: "box", operator: "over" }, filter);
}

/** An SVG text element. */
function textEl(parent, cls, x, y, text, anchor) {
  const t = svgEl("text", { class: cls, x, y, "text-anchor": anchor }, parent);
  t.textContent = text;
  return t;
}
