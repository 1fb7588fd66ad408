/**
 * The decision-boundary view: the network's output over the input plane with the data points.
 *
 * Two stacked canvases: the heatmap (repainted when a frame brings a new output map) and the points with the
 * axes (repainted only when the data, the traced example, the test toggle or the size change). Hovering a
 * neuron in the network view shows that neuron's map here instead. Click a training point to trace it, click
 * empty space to add a point of the chosen class, right-, alt- or shift-click a training point to remove it.
 */

import { classColor, divergingColor } from "../palette.js";
import { divergingScale, drawAxes, drawPoints, paintMap, plotRect, toCanvas, toPlane } from "./boundary-draw.js";
import { drawCaption, legendKey, outputScale, regressionScale } from "./boundary-legend.js";

/** Extra pixels around a point that still count as a click on it. */
const HIT_SLACK = 3;

/**
 * Mount the boundary view into `root` (#boundary-view).
 * @param {HTMLElement} root
 * @param {{get: Function, set: Function, subscribe: Function}} store
 */
export function mount(root, store) {
  root.classList.add("boundary-view");
  root.replaceChildren();
  const head = document.createElement("div");
  head.className = "bv-head";
  const caption = document.createElement("span");
  caption.className = "bv-caption";
  const legend = document.createElement("canvas");
  legend.className = "bv-legend";
  const classes = document.createElement("span");
  classes.className = "bv-classes";
  head.append(caption, legend, classes);
  const stage = document.createElement("div");
  stage.className = "bv-stage";
  const heat = document.createElement("canvas");
  heat.className = "bv-heat";
  const top = document.createElement("canvas");
  top.className = "bv-points";
  const note = document.createElement("p");
  note.className = "bv-note";
  note.hidden = true;
  stage.append(heat, top, note);
  const hint = document.createElement("p");
  hint.className = "bv-hint";
  hint.textContent = "Click a point to trace it · click empty space to add one · right-click (or Alt-click) a point to remove it";
  root.append(head, stage, hint);

  const scratch = document.createElement("canvas");
  const sctx = scratch.getContext("2d");
  let image = null;
  let size = { w: 0, h: 0 };
  let rect = null;
  let points = []; // {x, y, index (training-set index or null), test}
  let shownLegend = "";

  function font() {
    return store.get().ui?.presenter ? 16 : 11;
  }

  function fitCanvas(canvas) {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(size.w * dpr);
    const h = Math.round(size.h * dpr);
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
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
    if (!rect || noPlane(state)) return;
    const ctx = fitCanvas(heat);
    ctx.clearRect(0, 0, size.w, size.h);
    const shown = shownMap(state);
    if (!shown) return;
    const { map, neuron } = shown;
    if (scratch.width !== map.res || !image || image.width !== map.res) {
      scratch.width = map.res;
      scratch.height = map.res;
      image = sctx.createImageData(map.res, map.res);
    }
    let scale;
    if (neuron) scale = { centre: 0, half: Math.max(Math.abs(map.lo), Math.abs(map.hi)) };
    else if (map.kind !== "multiclass") scale = outputScale(state, map);
    paintMap(image, map, scale ? divergingScale(scale.centre, scale.half) : null, map.classes);
    sctx.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(scratch, rect.x, rect.y, rect.w, rect.h);
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
      const n = data.inputs?.length ?? data.labels?.length ?? 0;
      const f = data.feature_labels?.join(", ") ?? "";
      const inputs = data.feature_labels?.length ?? 0;
      note.textContent =
        `${n === 1 ? "This example has" : `These ${n} examples have`} ${inputs} inputs (${f}) and no position on a ` +
        "plane, so there is no map to draw. The network view and the formula panel show every number.";
      note.hidden = false;
      hint.hidden = true;
      caption.textContent = "No input plane for custom rows";
      legend.hidden = true;
      classes.replaceChildren();
      shownLegend = "";
      return;
    }
    note.hidden = true;
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
    const radius = state.ui?.presenter ? 5 : 3.5;
    drawPoints(ctx, rect, pts, radius, traced);
    points = pts;
    points.radius = radius;
  }

  function layout() {
    rect = plotRect(size.w, size.h, font());
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
    const b = top.getBoundingClientRect();
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
  top.addEventListener("pointermove", (ev) => {
    const b = top.getBoundingClientRect();
    const hit = pointAt(ev.clientX - b.left, ev.clientY - b.top);
    top.style.cursor = hit && hit.index !== null ? "pointer" : "crosshair";
  });

  const observer = new ResizeObserver(() => {
    const w = Math.floor(stage.clientWidth);
    const h = Math.floor(stage.clientHeight);
    if (w === size.w && h === size.h) return;
    size = { w, h };
    shownLegend = "";
    redrawAll();
  });
  observer.observe(stage);

  store.subscribe(["session", "example", "ui"], () => {
    shownLegend = "";
    redrawAll();
  });
  store.subscribe(["outputMap", "hoverNeuron"], (state) => drawHeat(state));
  store.subscribe(["maps"], (state) => {
    if (state.hoverNeuron) drawHeat(state);
  });
  redrawAll();
}
