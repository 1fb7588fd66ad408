/**
 * The graph as SVG at one step: a circle per node (the operator, the variable or the number in it; its name
 * above; its value and, once known, its gradient below; the gate it is while its gradient flows through it),
 * an arrow per edge (after the backward pass reached it: upstream × local = downstream on the step that hands
 * it back, the downstream part afterwards). Stable hooks: data-node, data-edge, data-value, data-grad.
 */

import { fmt } from "../../format.js";

const NS = "http://www.w3.org/2000/svg";

/** What each gate does to the gradient, as written on its node. */
export const GATE_WORDS = {
  distribute: "add: distributes",
  swap: "multiply: swaps",
  route: "routes",
};

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The words of a node's gate ("max: routes", "relu: routes"), or null. */
export function gateWords(node) {
  if (!node.gate) return null;
  if (node.gate === "route") return `${node.op}: routes`;
  return GATE_WORDS[node.gate] ?? null;
}

/** The point at t of the S-curve from (x1, y1) to (x2, y2) (control points at the middle x). */
function along(x1, y1, x2, y2, t) {
  const u = 1 - t;
  const mx = (x1 + x2) / 2;
  return [u * u * u * x1 + 3 * u * t * mx + t * t * t * x2, (u * u * u + 3 * u * u * t) * y1 + (3 * u * t * t + t * t * t) * y2];
}

/** The S-curves through `points` (x, y pairs), as an SVG path. */
function curvePath(points) {
  let d = `M${points[0][0]},${points[0][1]}`;
  for (let i = 1; i < points.length; i++) {
    const [xa, ya] = points[i - 1];
    const [xb, yb] = points[i];
    d += ` C${(xa + xb) / 2},${ya} ${(xa + xb) / 2},${yb} ${xb},${yb}`;
  }
  return d;
}

/** How close the curves through `points` come to any node but `skip`'s (sampled). */
function clearance(points, others, place) {
  let best = Infinity;
  for (let i = 1; i < points.length; i++) {
    for (let k = 0; k <= 16; k++) {
      const [px, py] = along(points[i - 1][0], points[i - 1][1], points[i][0], points[i][1], k / 16);
      for (const n of others) best = Math.min(best, Math.hypot(place.x.get(n.id) - px, place.y.get(n.id) - py));
    }
  }
  return best;
}

/** An S-curve; when a node sits on its way, through a waypoint where the way is clearest. */
function edgeGeometry(graph, place, edge) {
  const { x, y, r } = place;
  const x1 = x.get(edge.from) + r;
  const y1 = y.get(edge.from);
  const x2 = x.get(edge.to) - r * 1.08;
  const twin = graph.edges.some((e) => e !== edge && e.from === edge.from && e.to === edge.to);
  const y2 = y.get(edge.to) + (twin ? (edge.slot - 0.5) * r * 0.9 : 0);
  const others = graph.nodes.filter((n) => n.id !== edge.from && n.id !== edge.to);
  let points = [[x1, y1], [x2, y2]];
  let score = clearance(points, others, place);
  if (score < r * 1.8 && x2 - x1 > place.column * 1.2) {
    const between = others.filter((n) => x.get(n.id) > x1 + r && x.get(n.id) < x2 - r);
    for (const n of between) {
      for (const k of [0.5, -0.5, 1, -1]) {
        const candidate = [[x1, y1], [x.get(n.id), y.get(n.id) + k * place.rowGap], [x2, y2]];
        const value = clearance(candidate, others, place);
        if (value > score + r * 0.2) [points, score] = [candidate, value];
      }
    }
  }
  const from = points[points.length - 2];
  // The label sits half a column before the target (an edge across several layers passes other nodes).
  const t = Math.min(0.85, Math.max(0.6, 1 - (0.45 * place.column) / Math.max(x2 - from[0], 1)));
  // A detour's label rides on its waypoint, clear of the nodes by construction.
  const [lx, ly] = points.length > 2 ? from : along(from[0], from[1], x2, y2, t);
  // The first input's label above its edge, the second's below: two edges into one node do not collide.
  const my = ly + (edge.slot === 0 ? -0.35 : 1.0) * place.font;
  return { d: curvePath(points), mx: lx, my };
}

/**
 * Draw `graph` at step state `st` into `root` (an <svg>), at the layout's positions, size and text size.
 * @param {SVGSVGElement} root
 */
export function drawGraph(root, graph, place, st) {
  const { width: w, height: h, font } = place;
  root.setAttribute("viewBox", `0 0 ${w} ${h}`);
  root.setAttribute("width", String(w));
  root.setAttribute("height", String(h));
  const defs = svg("defs");
  const head = font * 0.55;
  const marker = svg("marker", { id: "gv-arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerUnits: "userSpaceOnUse", markerWidth: head, markerHeight: head, orient: "auto-start-reverse" });
  marker.append(svg("path", { d: "M0,0 L10,5 L0,10 z", class: "gv-arrowhead" }));
  defs.append(marker);
  const edges = svg("g", { class: "gv-edges" });
  const labels = svg("g", { class: "gv-edge-labels", "font-size": font * 0.82 });
  graph.edges.forEach((edge, i) => {
    const geo = edgeGeometry(graph, place, edge);
    const shown = st.edges.has(i) && edge.local !== null;
    const fresh = st.fresh.has(i) && shown;
    const cls = ["gv-edge", shown ? "gv-back" : "", st.fresh.has(i) ? "gv-fresh" : ""].filter(Boolean).join(" ");
    edges.append(svg("path", { d: geo.d, class: cls, "marker-end": "url(#gv-arrow)", "data-edge": `${edge.from}-${edge.to}-${edge.slot}` }));
    if (!fresh) return; // the step's own edges only: the earlier parts are in their nodes' gradients
    const words = `${fmt(edge.upstream)} × ${fmt(edge.local)} = ${fmt(edge.downstream)}`;
    labels.append(
      svg("text", { x: geo.mx, y: geo.my, class: "gv-edge-label gv-fresh", "text-anchor": "middle", "data-edge-label": `${edge.from}-${edge.to}-${edge.slot}`, "data-downstream": edge.downstream }, words),
    );
  });
  const nodes = svg("g", { class: "gv-nodes" });
  for (const node of graph.nodes) nodes.append(drawNode(node, place, st, font));
  root.replaceChildren(defs, edges, nodes, labels);
}

function drawNode(node, place, st, font) {
  const cx = place.x.get(node.id);
  const cy = place.y.get(node.id);
  const r = place.r;
  const current = st.current === node.id;
  const known = st.values.has(node.id);
  const cls = ["gv-node", `gv-${node.op === "var" ? "var" : node.op === "const" ? "const" : "op"}`, current ? "gv-current" : "", known ? "" : "gv-unknown"];
  const g = svg("g", { class: cls.filter(Boolean).join(" "), "data-node": node.id, "data-op": node.op });
  g.append(svg("circle", { cx, cy, r }));
  const label = node.label.length > 4 ? node.label.slice(0, 4) : node.label;
  const big = node.op === "var" || node.op === "const" ? 0.95 : 1.15;
  g.append(svg("text", { x: cx, y: cy, class: "gv-label", "font-size": font * big * (label.length > 3 ? 0.8 : 1), "text-anchor": "middle", "dominant-baseline": "central" }, label));
  if (node.op !== "var" && node.op !== "const") {
    g.append(svg("text", { x: cx, y: cy - r - font * 0.35, class: "gv-name", "font-size": font * 0.9, "text-anchor": "middle" }, plainName(node.name)));
  }
  let line = cy + r + font * 1.0;
  if (known) {
    g.append(svg("text", { x: cx, y: line, class: "gv-value", "font-size": font * 0.9, "text-anchor": "middle", "data-value": node.value }, fmt(node.value)));
    line += font * 1.05;
  }
  if (st.grads.has(node.id)) {
    const fresh = st.completed.includes(node.id) || (st.seed && current);
    g.append(svg("text", { x: cx, y: line, class: fresh ? "gv-grad gv-fresh" : "gv-grad", "font-size": font * 0.9, "text-anchor": "middle", "data-grad": node.grad }, `∂ ${fmt(node.grad)}`));
    line += font * 1.05;
  }
  const backwardHere = st.phase === "backward" && current && !st.seed;
  const gate = gateWords(node);
  if (backwardHere && (gate || node.fan_out > 1)) {
    g.append(svg("text", { x: cx, y: cy - r - font * 1.35, class: "gv-gate", "font-size": font * 0.78, "text-anchor": "middle" }, gate ?? ""));
  }
  if (node.fan_out > 1 && st.completed.includes(node.id)) {
    g.append(svg("text", { x: cx, y: line, class: "gv-gate", "font-size": font * 0.78, "text-anchor": "middle" }, `sum of ${node.fan_out} uses`));
  }
  return g;
}

/** A TeX name as plain text: q_{2} → q₂, w_{0} → w₀. */
export function plainName(tex) {
  const sub = "₀₁₂₃₄₅₆₇₈₉";
  return tex.replace(/_\{(\d+)\}/g, (_, d) => [...d].map((c) => sub[Number(c)]).join(""));
}
