/**
 * The network view: input features, hidden layers and outputs as neurons, each with its small map over the
 * input plane; weights as edges; the traced example's values; the current phase highlighted.
 *
 * Built once per architecture and panel size (SVG + one canvas for the maps); every frame only changes
 * attributes and repaints the maps. Clicking a neuron selects it, clicking an edge or a bias badge selects
 * it and opens a small editor (Enter sends set_weight / set_bias); hovering a neuron sets `hoverNeuron`.
 */

import { fmt } from "../format.js";
import { layoutNetwork, nearestEdge, edgeEnds } from "./network-layout.js";
import { buildDiagram } from "./network-svg.js";
import { createMapPainter } from "./network-maps.js";
import { paintDiagram, setAttr } from "./network-paint.js";
import { createEditor, paramName } from "./network-edit.js";
import {
  currentParameters,
  currentRecords,
  exampleActivations,
  indexRecords,
  phaseOf,
  sampledActivations,
  sizesOf,
} from "./network-values.js";

/** How close (px) a click must be to an edge to pick it. */
const EDGE_TOLERANCE = 6;

/**
 * Mount the network view into `root` (#network-view).
 * @param {HTMLElement} root
 * @param {{get: Function, set: Function, subscribe: Function}} store
 */
export function mount(root, store) {
  root.classList.add("network-view");
  root.replaceChildren();
  const legend = document.createElement("div");
  legend.className = "nv-legend";
  legend.innerHTML =
    '<span class="nv-key nv-key-w"><i class="neg"></i><i class="pos"></i>weight W (−/+), width |W|</span>' +
    '<span class="nv-key nv-key-g"><i class="neg"></i><i class="pos"></i><span class="nv-key-g-name">∂L/∂W</span> (−/+)</span>' +
    '<span class="nv-key nv-key-a"><i></i><span class="nv-key-a-name">dot: activation a</span></span>' +
    '<span class="nv-key nv-key-b"><i></i>b: bias</span>';
  const stage = document.createElement("div");
  stage.className = "nv-stage";
  const canvas = document.createElement("canvas");
  canvas.className = "nv-maps";
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "nv-svg");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "network diagram");
  const empty = document.createElement("p");
  empty.className = "nv-empty";
  empty.textContent = "Waiting for the network…";
  stage.append(canvas, svg, empty);
  root.append(legend, stage);

  const painter = createMapPainter();
  const editor = createEditor(stage);
  let layout = null;
  let refs = null;
  let builtKey = "";
  let size = { w: 0, h: 0 };
  let model = null;

  function featureLabels(state, n0) {
    const labels = state.session?.data?.feature_labels;
    if (Array.isArray(labels) && labels.length === n0) return labels;
    return Array.from({ length: n0 }, (_, i) => `x${i + 1}`);
  }

  function render(state) {
    const params = currentParameters(state);
    const sizes = params ? sizesOf(params.weights) : null;
    if (!sizes || size.w < 40 || size.h < 40) {
      empty.hidden = Boolean(sizes);
      return;
    }
    empty.hidden = true;
    const L = sizes.length - 1;
    const labels = featureLabels(state, sizes[0]);
    const presenter = Boolean(state.ui?.presenter);
    const data = state.session?.data;
    const noMaps = Boolean(data) && !Array.isArray(data.points);
    const key = `${sizes.join(",")}|${labels.join(",")}|${size.w}x${size.h}|${presenter}|${noMaps}`;
    if (key !== builtKey) {
      layout = layoutNetwork(sizes, size.w, size.h, { presenter, noMaps });
      refs = buildDiagram(svg, layout, labels);
      builtKey = key;
      editor.close();
      painter.paint(canvas, layout, state.maps);
    }
    const idx = indexRecords(currentRecords(state, L));
    const acts = exampleActivations(state, idx, L);
    const sampled = acts.exact ? null : sampledActivations(state, sizes);
    const phase = phaseOf(idx, L);
    if (phase.layer !== null && phase.kind !== "idle") root.dataset.activeLayer = String(phase.layer);
    else delete root.dataset.activeLayer;
    if (phase.kind !== "idle") root.dataset.activePhase = phase.kind;
    else delete root.dataset.activePhase;
    model = {
      L,
      weights: params.weights,
      biases: params.biases,
      phase,
      idx,
      a: sampled ?? acts.a,
      z: acts.z,
      approx: Boolean(sampled),
      selection: state.selection,
      hover: state.hoverNeuron,
      trainBiases: state.session?.config?.train_biases !== false,
    };
    paintDiagram(refs, layout, model);
    setLegendText(".nv-key-g-name", model.overlay?.name ?? "∂L/∂W");
    setLegendText(".nv-key-a-name", model.approx ? "dot: activation a (read off its map while playing)" : "dot: activation a");
    paintSelectedEdge();
  }

  function setLegendText(selector, text) {
    const el = legend.querySelector(selector);
    if (el.textContent !== text) el.textContent = text;
  }

  /** The selected weight's edge: a highlight line and its value. */
  function paintSelectedEdge() {
    const sel = store.get().selection;
    const ok = sel && sel.kind === "weight" && refs?.edges[sel.layer]?.[sel.row]?.[sel.col];
    setAttr(refs.selEdge, "display", ok ? "inline" : "none");
    if (!ok) return;
    const e = edgeEnds(layout, sel.layer, sel.row, sel.col);
    for (const k of ["x1", "y1", "x2", "y2"]) setAttr(refs.selEdge, k, String(e[k]));
  }

  function showEdgeLabel(edge) {
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
    let text = `${paramName("weight", edge.layer, edge.row, edge.col)} = ${fmt(w)}`;
    const m = model.overlay?.mats?.[edge.layer];
    if (m) text += `   ${model.overlay.name} = ${fmt(m[edge.row][edge.col])}`;
    label.textContent = text;
    setAttr(label, "x", String((e.x1 + e.x2) / 2));
    setAttr(label, "y", String((e.y1 + e.y2) / 2 - 6));
    setAttr(label, "display", "inline");
  }

  function pointerPos(ev) {
    const rect = svg.getBoundingClientRect();
    return { x: ev.clientX - rect.left, y: ev.clientY - rect.top };
  }

  svg.addEventListener("click", (ev) => {
    if (!layout) return;
    const biasEl = ev.target.closest?.(".nv-bias");
    if (biasEl) {
      const layer = Number(biasEl.dataset.layer);
      const row = Number(biasEl.dataset.row);
      store.set({ selection: { kind: "bias", layer, row } });
      const n = layout.nodes[layer][row];
      editor.open({ kind: "bias", layer, row }, model.biases[layer - 1][row], n.x - 10, n.y + layout.s + 4);
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
    editor.open({ kind: "weight", ...edge }, model.weights[edge.layer - 1][edge.row][edge.col], (e.x1 + e.x2) / 2 - 40, (e.y1 + e.y2) / 2 + 6);
  });

  let hoverFrame = 0;
  let lastMove = null;
  svg.addEventListener("pointermove", (ev) => {
    lastMove = ev;
    if (hoverFrame) return;
    hoverFrame = requestAnimationFrame(() => {
      hoverFrame = 0;
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
    if (refs) showEdgeLabel(null);
    if (store.get().hoverNeuron) store.set({ hoverNeuron: null });
  });

  const observer = new ResizeObserver(() => {
    const w = Math.floor(stage.clientWidth);
    const h = Math.floor(stage.clientHeight);
    if (w === size.w && h === size.h) return;
    size = { w, h };
    render(store.get());
  });
  observer.observe(stage);

  store.subscribe(["session", "frame", "records", "phase", "selection", "example", "ui", "hoverNeuron"], render);
  store.subscribe(["maps"], (state) => {
    if (layout) painter.paint(canvas, layout, state.maps);
  });
  render(store.get());
}
