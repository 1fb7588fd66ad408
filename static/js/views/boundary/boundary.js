/**
 * The decision-boundary view: the network's output over the input plane with the data points.
 *
 * Two stacked canvases: the heatmap on the plot square (boundary-heat.js; repainted only when a frame brings a
 * different map) and the points with the axes (repainted only when the data, the traced example, the test
 * toggle or the size change). Hovering a neuron in the network view shows that neuron's map here instead.
 * Click a training point to trace it, click empty space to add a point of the chosen class, right-, alt- or
 * shift-click a training point to remove it.
 */

import { classColor, divergingColor, mapHalf } from "../../palette.js";
import { drawAxes, drawPoints, plotRect, toCanvas, toPlane } from "./draw.js";
import { createHeat } from "./heat.js";
import { drawCaption, legendKey, outputScale, regressionScale } from "./legend.js";
import { createRowsTable } from "./rows-table.js";
import { el, fitToScreen, startView, textSize } from "../shared/view-frame.js";

/** Extra pixels around a point that still count as a click on it. */
const HIT_SLACK = 3;

/**
 * Mount the boundary view into `root` (#boundary-view).
 * @param {HTMLElement} root
 * @param {{get: Function, set: Function, subscribe: Function}} store
 */
export function mount(root, store) {
  startView(root, "boundary-view");
  const head = el("div", "bv-head");
  const caption = el("span", "bv-caption");
  const legend = el("canvas", "bv-legend");
  const classes = el("span", "bv-classes");
  head.append(caption, legend, classes);
  const stage = el("div", "bv-stage");
  const heat = createHeat();
  const top = el("canvas", "bv-points");
  // Data without a plane: a table of the examples with their outputs instead of the map.
  const rows = createRowsTable((index) => {
    store.set({ example: index });
    send({ type: "select", example: index });
  }, store.get);
  rows.el.hidden = true;
  stage.append(heat.canvas, top, rows.el);
  const hint = el("p", "bv-hint", "Click a point to trace it · click empty space to add one · right-click (or Alt-click) a point to remove it");
  root.append(head, stage, hint);

  let size = { w: 0, h: 0 };
  let rect = null;
  let points = []; // {x, y, index (training-set index or null), test}
  let shownLegend = "";
  let topBox = null;

  /** The axes' text size: the stage's CSS font size (fluid with the screen and presenter mode). */
  function font() {
    return textSize(stage);
  }

  function fitCanvas(canvas) {
    const dpr = fitToScreen(canvas, size.w, size.h);
    const ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    return ctx;
  }

  /** The map to show: the hovered neuron's, else the output's. */
  function shownMap(state) {
    const h = state.hoverNeuron;
    const m = h ? state.maps?.[`${h.layer}:${h.neuron}`] : null;
    if (m) return { map: m, neuron: h };
    return state.outputMap ? { map: state.outputMap, neuron: null } : null;
  }

  function drawHeat(state) {
    const shown = rect && !noPlane(state) ? shownMap(state) : null;
    if (!shown) {
      heat.hide();
      return;
    }
    const { map, neuron } = shown;
    let scale;
    if (neuron) scale = { centre: 0, half: mapHalf(map.lo, map.hi) };
    else if (map.kind !== "multiclass") scale = outputScale(state, map);
    heat.draw(map, scale, neuron ? `${neuron.layer}:${neuron.neuron}` : "output");
    const key = legendKey(state, map, neuron, scale);
    if (key !== shownLegend) {
      shownLegend = key;
      root.classList.toggle("hovering", Boolean(neuron));
      drawCaption({ caption, legend, classes }, state, map, neuron, scale);
    }
  }

  function noPlane(state) {
    const data = state.session?.data;
    return Boolean(data) && !Array.isArray(data.points);
  }

  function drawTop(state) {
    const data = state.session?.data;
    const ctx = fitCanvas(top);
    ctx.clearRect(0, 0, size.w, size.h);
    points = [];
    if (!data) return;
    if (noPlane(state)) {
      rows.el.hidden = false;
      rows.show(state);
      hint.hidden = true;
      caption.textContent = "Examples: output ŷ and loss ℓ (no input plane)";
      legend.hidden = true;
      classes.replaceChildren();
      shownLegend = "";
      return;
    }
    rows.el.hidden = true;
    hint.hidden = false;
    const f = font();
    drawAxes(ctx, rect, f, getComputedStyle(root).color || "#222");
    const showTest = Boolean(state.ui?.showTest);
    const regression = data.kind === "regression";
    const m = regression ? regressionScale(state, { lo: 0, hi: 0 }) : 1;
    const colorOf = (label) => (regression ? divergingColor(label, m) : classColor(label));
    const pts = [];
    if (showTest) {
      for (const row of data.test_indices) {
        const [x1, x2] = data.points[row];
        pts.push({ ...toCanvas(rect, x1, x2), fill: colorOf(data.labels[row]), test: true, index: null });
      }
    }
    data.train_indices.forEach((row, i) => {
      const [x1, x2] = data.points[row];
      pts.push({ ...toCanvas(rect, x1, x2), fill: colorOf(data.labels[row]), test: false, index: i });
    });
    const ex = state.example;
    const tracedRow = data.train_indices[ex];
    const traced = tracedRow === undefined ? null : toCanvas(rect, data.points[tracedRow][0], data.points[tracedRow][1]);
    const radius = Math.max(3, f * 0.32);
    drawPoints(ctx, rect, pts, radius, traced);
    points = pts;
    points.radius = radius;
  }

  function layout() {
    rect = plotRect(size.w, size.h, font());
    heat.place(rect);
  }

  function redrawAll() {
    const state = store.get();
    if (size.w < 20 || size.h < 20) return;
    layout();
    drawTop(state);
    drawHeat(state);
  }

  /** The training (or shown test) point under (px, py), nearest first. */
  function pointAt(px, py) {
    const r = (points.radius ?? 4) + HIT_SLACK;
    let best = null;
    let bestD = r * r;
    for (const p of points) {
      const d = (p.x - px) ** 2 + (p.y - py) ** 2;
      if (d <= bestD && (best === null || best.test || !p.test)) {
        best = p;
        bestD = d;
      }
    }
    return best;
  }

  function send(detail) {
    document.dispatchEvent(new CustomEvent("bl:send", { detail }));
  }

  function onClick(ev, remove) {
    const state = store.get();
    if (!rect || noPlane(state) || !state.session?.data) return;
    const b = topRect();
    const px = ev.clientX - b.left;
    const py = ev.clientY - b.top;
    if (px < rect.x || py < rect.y || px > rect.x + rect.w || py > rect.y + rect.h) return;
    const hit = pointAt(px, py);
    if (hit && hit.index !== null) {
      if (remove) send({ type: "remove_point", index: hit.index });
      else {
        store.set({ example: hit.index });
        send({ type: "select", example: hit.index });
      }
      return;
    }
    if (hit || remove) return;
    const [x1, x2] = toPlane(rect, px, py).map((v) => Math.round(v * 1000) / 1000);
    const data = state.session.data;
    let label = state.ui?.addClass ?? 0;
    if (data.kind !== "regression") label = Math.max(0, Math.min(data.n_classes - 1, Math.round(label)));
    send({ type: "add_point", x: [x1, x2], label });
  }

  top.addEventListener("click", (ev) => onClick(ev, ev.altKey || ev.shiftKey));
  top.addEventListener("contextmenu", (ev) => {
    ev.preventDefault();
    onClick(ev, true);
  });
  /** The points canvas's place on the page, read once per resize, scroll or entry of the pointer. */
  function topRect() {
    if (!topBox) topBox = top.getBoundingClientRect();
    return topBox;
  }
  const forgetRect = () => {
    topBox = null;
  };
  addEventListener("scroll", forgetRect, { capture: true, passive: true });
  addEventListener("resize", forgetRect);
  top.addEventListener("pointerenter", forgetRect);
  top.addEventListener("pointermove", (ev) => {
    const b = topRect();
    const hit = pointAt(ev.clientX - b.left, ev.clientY - b.top);
    top.style.cursor = hit && hit.index !== null ? "pointer" : "crosshair";
  });

  const observer = new ResizeObserver((entries) => {
    const box = entries[entries.length - 1].contentRect;
    const w = Math.floor(box.width);
    const h = Math.floor(box.height);
    topBox = null;
    if (w === size.w && h === size.h) return;
    size = { w, h };
    shownLegend = "";
    redrawAll();
  });
  observer.observe(stage);

  store.subscribe(["session", "example", "ui", "question"], () => {
    shownLegend = "";
    redrawAll();
  });
  store.subscribe(["outputMap", "hoverNeuron"], (state) => drawHeat(state));
  store.subscribe(["frame"], (state) => {
    if (noPlane(state)) rows.values(state);
  });
  store.subscribe(["maps"], (state) => {
    if (state.hoverNeuron) drawHeat(state);
  });
  redrawAll();
}
