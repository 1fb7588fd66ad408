/**
 * Pointer input on the network diagram. Clicking a neuron selects it; clicking a bias badge or near an edge
 * (the nearest edge within EDGE_TOLERANCE px, computed from the layout's geometry: the edges are pixels on a
 * canvas, not elements) selects it and opens the small editor (Enter sends set_weight / set_bias). Hovering
 * a neuron sets `hoverNeuron` (the boundary view shows its map large); hovering an edge marks it and names
 * its value (and ∂L/∂W or ΔW while those are shown).
 */

import { fmt } from "../../format.js";
import { edgeEnds, nearestEdge } from "./layout.js";
import { paramName } from "./edit.js";
import { notationOf } from "../shared/notation.js";
import { setAttr } from "./paint.js";

/** How close (px) a click must be to an edge to pick it. */
const EDGE_TOLERANCE = 6;

/**
 * Listen to the pointer on `svg`.
 * @param {SVGSVGElement} svg
 * @param {{get: Function, set: Function}} store
 * @param {{open: Function, close: Function}} editor from createEditor
 * @param {() => {layout: object|null, model: object|null, refs: object|null}} view what is drawn now
 * @returns {{refresh: () => void}}
 */
export function attachPointer(svg, store, editor, view) {
  /** The SVG's position on the page, read once per resize, scroll or entry of the pointer. */
  let svgRect = null;
  const forgetRect = () => {
    svgRect = null;
  };
  addEventListener("scroll", forgetRect, { capture: true, passive: true });
  addEventListener("resize", forgetRect);
  svg.addEventListener("pointerenter", forgetRect);
  new ResizeObserver(forgetRect).observe(svg);

  function pointerPos(ev) {
    if (!svgRect) svgRect = svg.getBoundingClientRect();
    return { x: ev.clientX - svgRect.left, y: ev.clientY - svgRect.top };
  }

  /** The edge the pointer is over (its label is shown), or null. */
  let hovered = null;

  /** Mark the hovered edge and write its value beside it (null: hide both). */
  function showEdgeLabel(edge) {
    hovered = edge;
    const { layout, model, refs } = view();
    if (!refs) return;
    const label = refs.edgeLabel;
    if (!edge) {
      setAttr(label, "display", "none");
      setAttr(refs.hoverEdge, "display", "none");
      return;
    }
    const e = edgeEnds(layout, edge.layer, edge.row, edge.col);
    for (const k of ["x1", "y1", "x2", "y2"]) setAttr(refs.hoverEdge, k, String(e[k]));
    setAttr(refs.hoverEdge, "display", "inline");
    const w = model.weights[edge.layer - 1][edge.row][edge.col];
    let text = `${paramName(notationOf(store.get()), "weight", edge.layer, edge.row, edge.col)} = ${fmt(w)}`;
    const m = model.overlay?.mats?.[edge.layer];
    if (m) text += `   ${model.overlay.name} = ${fmt(m[edge.row][edge.col])}`;
    label.textContent = text;
    setAttr(label, "x", String((e.x1 + e.x2) / 2));
    setAttr(label, "y", String((e.y1 + e.y2) / 2 - 6));
    setAttr(label, "display", "inline");
  }

  svg.addEventListener("click", (ev) => {
    const { layout, model } = view();
    if (!layout) return;
    const biasEl = ev.target.closest?.(".nv-bias");
    if (biasEl) {
      const layer = Number(biasEl.dataset.layer);
      const row = Number(biasEl.dataset.row);
      store.set({ selection: { kind: "bias", layer, row } });
      const n = layout.nodes[layer][row];
      editor.open({ kind: "bias", layer, row, name: paramName(notationOf(store.get()), "bias", layer, row) }, model.biases[layer - 1][row], n.x - 10, n.y + layout.s + 4);
      return;
    }
    const nodeEl = ev.target.closest?.(".nv-node");
    if (nodeEl) {
      editor.close();
      store.set({ selection: { kind: "neuron", layer: Number(nodeEl.dataset.layer), row: Number(nodeEl.dataset.row) } });
      return;
    }
    const p = pointerPos(ev);
    const edge = nearestEdge(layout, p.x, p.y, EDGE_TOLERANCE);
    if (!edge) {
      editor.close();
      return;
    }
    store.set({ selection: { kind: "weight", layer: edge.layer, row: edge.row, col: edge.col } });
    const e = edgeEnds(layout, edge.layer, edge.row, edge.col);
    editor.open({ kind: "weight", ...edge, name: paramName(notationOf(store.get()), "weight", edge.layer, edge.row, edge.col) }, model.weights[edge.layer - 1][edge.row][edge.col], (e.x1 + e.x2) / 2 - 40, (e.y1 + e.y2) / 2 + 6);
  });

  let hoverFrame = 0;
  let lastMove = null;
  svg.addEventListener("pointermove", (ev) => {
    lastMove = ev;
    if (hoverFrame) return;
    hoverFrame = requestAnimationFrame(() => {
      hoverFrame = 0;
      const { layout } = view();
      if (!layout || !lastMove) return;
      const nodeEl = lastMove.target.closest?.(".nv-node");
      const cur = store.get().hoverNeuron;
      if (nodeEl) {
        const hn = { layer: Number(nodeEl.dataset.layer), neuron: Number(nodeEl.dataset.row) };
        if (!cur || cur.layer !== hn.layer || cur.neuron !== hn.neuron) store.set({ hoverNeuron: hn });
        showEdgeLabel(null);
        return;
      }
      if (cur) store.set({ hoverNeuron: null });
      const p = pointerPos(lastMove);
      showEdgeLabel(nearestEdge(layout, p.x, p.y, EDGE_TOLERANCE));
    });
  });
  svg.addEventListener("pointerleave", () => {
    lastMove = null;
    showEdgeLabel(null);
    if (store.get().hoverNeuron) store.set({ hoverNeuron: null });
  });

  return {
    /** Write the hovered edge's label again with the current values (after a frame changed them). */
    refresh() {
      if (!hovered) return;
      const sizes = view().layout?.sizes ?? [];
      const { layer, row, col } = hovered;
      const fits = layer >= 1 && layer < sizes.length && row < sizes[layer] && col < sizes[layer - 1];
      showEdgeLabel(fits ? hovered : null);
    },
  };
}
