/**
 * The network view: input features, hidden layers and outputs as neurons, each with its small map over the
 * input plane; weights as edges; the traced example's values; the current phase highlighted.
 *
 * Two stacked layers: a canvas with the edges, over them the neurons' maps, then the colours of the neurons'
 * dots and bias badges (redrawn only when any of those changed: network-edge-painter.js, network-maps.js,
 * network-paint.js), and an SVG built once per architecture and panel size with the outlines of the neurons,
 * the texts and the selected/hovered edge, of which a frame changes only classes and texts. Clicks and
 * hovering: network-pointer.js.
 */

import { layoutNetwork, edgeEnds } from "./layout.js";
import { buildDiagram } from "./svg.js";
import { createMapPainter } from "./maps.js";
import { createEdgePainter } from "./edge-painter.js";
import { thinEdges } from "./edges.js";
import { drawNodes, nodeFills, overlayFor, paintDiagram, setAttr } from "./paint.js";
import { createEditor } from "./edit.js";
import { dotLegend, edgeLegend, hideUnstepped } from "./captions.js";
import { attachPointer } from "./pointer.js";
import {
  currentParameters,
  currentRecords,
  exampleActivations,
  indexRecords,
  phaseOf,
  sampledActivations,
  sizesOf,
} from "./values.js";
import { el, fitToScreen, startView, textSize } from "../shared/view-frame.js";
import { exampleMasks, maskText } from "./dropout.js";

/** While playing, the numbers beside the neurons are rewritten at most this often (ms). */
const TEXT_INTERVAL_MS = 250;

/**
 * Mount the network view into `root` (#network-view).
 * @param {HTMLElement} root
 * @param {{get: Function, set: Function, subscribe: Function}} store
 */
export function mount(root, store) {
  startView(root, "network-view");
  const legend = el("div", "nv-legend");
  legend.innerHTML =
    '<span class="nv-key nv-key-w"><i class="neg"></i><i class="pos"></i>weight W (−/+), width |W|</span>' +
    '<span class="nv-key nv-key-g"><i class="neg"></i><i class="pos"></i><span class="nv-key-g-name">∂L/∂W</span> (−/+)</span>' +
    '<span class="nv-key nv-key-a"><i></i><span class="nv-key-a-name">dot: activation a</span></span>' +
    '<span class="nv-key nv-key-b"><i></i>b: bias</span>';
  const dropNote = el("span", "nv-key nv-key-drop");
  dropNote.id = "nv-dropout";
  dropNote.setAttribute("role", "status");
  dropNote.hidden = true;
  legend.append(dropNote);
  const stage = el("div", "nv-stage");
  const canvas = el("canvas", "nv-canvas");
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "nv-svg");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "network diagram");
  const empty = el("p", "nv-empty", "Waiting for the network…");
  stage.append(canvas, svg, empty);
  root.append(legend, stage);

  const painter = createMapPainter();
  const edges = createEdgePainter(() => composite());
  const editor = createEditor(stage);
  let layout = null;
  let refs = null;
  let builtKey = "";
  let size = { w: 0, h: 0 };
  /** The diagram's text size (CSS px, from the style sheet), read on resize and on a presenter toggle. */
  let font = 12;
  let fontFor = null;
  let model = null;
  /** The layout the canvas was last drawn for. */
  let composited = null;
  /** The neurons' colours on the canvas (nodeFills). */
  let fills = null;
  /** When the numbers beside the neurons were last written. */
  let textsAt = -Infinity;
  /** The panel's colour, the canvas's background. */
  let background = "#ffffff";

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
    if (presenter !== fontFor) {
      fontFor = presenter;
      font = textSize(stage);
    }
    const data = state.session?.data;
    const noMaps = Boolean(data) && !Array.isArray(data.points);
    const key = `${sizes.join(",")}|${labels.join(",")}|${size.w}x${size.h}|${font}|${noMaps}`;
    if (key !== builtKey) {
      layout = layoutNetwork(sizes, size.w, size.h, { font, noMaps });
      refs = buildDiagram(svg, layout, labels);
      builtKey = key;
      editor.close();
      canvas.style.width = `${layout.width}px`;
      canvas.style.height = `${layout.height}px`;
      root.classList.toggle("thin-edges", thinEdges(layout));
      const panel = getComputedStyle(root).backgroundColor;
      background = panel && !/^transparent$|^rgba\(.*,\s*0\)$/.test(panel) ? panel : "#ffffff";
    }
    const rebuilt = layout !== composited;
    const idx = indexRecords(currentRecords(state, L));
    const acts = exampleActivations(state, idx, L);
    const sampled = acts.exact ? null : sampledActivations(state, sizes);
    const phase = phaseOf(idx, L);
    setData("activeLayer", phase.layer !== null && phase.kind !== "idle" ? String(phase.layer) : null);
    setData("activePhase", phase.kind !== "idle" ? phase.kind : null);
    const now = performance.now();
    // While playing, the numbers beside the neurons change at most every TEXT_INTERVAL_MS (readable, cheap).
    const textsDue = !state.playing || now - textsAt >= TEXT_INTERVAL_MS;
    if (textsDue) textsAt = now;
    model = {
      L,
      sizes,
      textsDue,
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
      playing: Boolean(state.playing),
      masks: exampleMasks(idx, phase, L),
    };
    const note = maskText(model.masks);
    if (dropNote.textContent !== note) dropNote.textContent = note;
    dropNote.hidden = !note;
    hideUnstepped(model, state);
    model.overlay = overlayFor(model);
    const edgesChanged = edges.update(layout, model);
    const mapsChanged = painter.update(layout, state.maps);
    const newFills = nodeFills(model);
    const fillsChanged = newFills.key !== fills?.key;
    fills = newFills;
    if (rebuilt || edgesChanged || mapsChanged || fillsChanged) composite();
    paintDiagram(refs, layout, model);
    const edgeKey = edgeLegend(model.overlay, state.session?.config?.optimizer);
    setLegendText(".nv-key-g-name", edgeKey.name);
    const gKey = legend.querySelector(".nv-key-g");
    if (gKey.title !== edgeKey.title) gKey.title = edgeKey.title;
    setLegendText(".nv-key-a-name", dotLegend(model));
    paintSelectedEdge();
    if (textsDue) pointer.refresh();
  }

  /** The visible canvas: the edges, the maps over them, then the neurons' dots and bias badges. */
  function composite() {
    if (!layout) return;
    const dpr = fitToScreen(canvas, layout.width, layout.height);
    // Opaque (the panel's colour under everything): the compositor need not draw or blend what lies below.
    const ctx = canvas.getContext("2d", { alpha: false });
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = background;
    ctx.fillRect(0, 0, layout.width, layout.height);
    edges.draw(ctx);
    painter.draw(ctx, layout);
    if (fills) drawNodes(ctx, layout, fills);
    composited = layout;
  }

  function setLegendText(selector, text) {
    const key = legend.querySelector(selector);
    if (key.textContent !== text) key.textContent = text;
  }

  /** Set (null: remove) a data-* attribute of the root only when it differs. */
  function setData(key, value) {
    if (value === null) {
      if (key in root.dataset) delete root.dataset[key];
    } else if (root.dataset[key] !== value) root.dataset[key] = value;
  }

  /** The selected weight's edge: a highlight line and its value. */
  function paintSelectedEdge() {
    const sel = store.get().selection;
    const sizes = layout.sizes;
    const ok =
      sel?.kind === "weight" && sel.layer >= 1 && sel.layer < sizes.length && sel.row < sizes[sel.layer] && sel.col < sizes[sel.layer - 1];
    setAttr(refs.selEdge, "display", ok ? "inline" : "none");
    if (!ok) return;
    const e = edgeEnds(layout, sel.layer, sel.row, sel.col);
    for (const k of ["x1", "y1", "x2", "y2"]) setAttr(refs.selEdge, k, String(e[k]));
  }

  const pointer = attachPointer(svg, store, editor, () => ({ layout, model, refs }));

  const observer = new ResizeObserver((entries) => {
    const box = entries[entries.length - 1].contentRect;
    const w = Math.floor(box.width);
    const h = Math.floor(box.height);
    const f = textSize(stage);
    if (w === size.w && h === size.h && f === font) return;
    size = { w, h };
    font = f;
    render(store.get());
  });
  observer.observe(stage);

  const keys = ["session", "frame", "maps", "records", "phase", "selection", "example", "ui", "hoverNeuron", "playing", "question"];
  store.subscribe(keys, render);
  render(store.get());
}
