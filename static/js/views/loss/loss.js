/**
 * The loss-curve view (plotly.js): training and test loss over steps, accuracy on a second axis for
 * classification, and a vertical mark at every live hyperparameter change naming what changed; a click on it
 * goes back to that step and a marker stands at the step shown while in the past (cursor.js).
 *
 * plotly costs ~10 ms per figure update (more on a busy machine), so new points are batched and drawn with
 * Plotly.extendTraces at most four times a second when stepping and twice a second while playing (and in at
 * most a fifth of the time, while playing a tenth); a replaced history (new session, reset, rebuild, a
 * history reply) redraws the figure, and the change marks are laid out again only when they change. A newest
 * point rewritten in place (the same step: a typed weight, a live change) is redrawn too, so the curve and
 * the key above it always show the same numbers.
 * `data-points` (points plotted per trace) and `data-marks` (change marks) are kept on the root.
 */

import { HIDDEN_TEXT, lossHidden } from "../../answers.js";
import { fmt } from "../../format.js";
import { attachCursor } from "./cursor.js";
import { marksLayout } from "./marks.js";
import { el, startView, textSize } from "../shared/view-frame.js";

/** At most one plotly update per this many milliseconds (while playing: PLAYING_INTERVAL_MS)... */
const MIN_INTERVAL_MS = 250;
const PLAYING_INTERVAL_MS = 500;
/** ...and, on a slow machine, at most 1/SHARE of the time spent in plotly (1/SHARE_PLAYING while playing;
 * at most every 2 s). */
const SHARE = 5;
const SHARE_PLAYING = 10;
const MAX_INTERVAL_MS = 2000;
/** Above this many points per trace, the figure is redrawn with every other point. */
const MAX_POINTS = 6000;

const COLORS = { train: "rgb(5, 113, 176)", test: "rgb(230, 97, 1)" };

/**
 * Mount the loss view into `root` (#loss-view).
 * @param {HTMLElement} root
 * @param {{get: Function, set: Function, subscribe: Function}} store
 */
export function mount(root, store) {
  startView(root, "loss-view");
  const head = el("div", "lv-head");
  const title = el("span", "lv-title", "Loss");
  const logBtn = document.createElement("button");
  logBtn.type = "button";
  logBtn.className = "lv-log";
  logBtn.textContent = "log y";
  logBtn.setAttribute("aria-pressed", "false");
  logBtn.title = "Logarithmic loss axis";
  const key = el("span", "lv-key");
  // The key carries the newest values: the numbers a class reads off, without hovering the curve.
  key.innerHTML =
    '<span><i class="train"></i>train <b class="lv-v-train"></b></span>' +
    '<span><i class="test"></i>test <b class="lv-v-test"></b></span>' +
    '<span class="acc" title="accuracy (right axis): train · test"><i class="dot"></i>acc <b class="lv-v-acc"></b></span>';
  head.append(title, key, logBtn);
  const values = {
    train: key.querySelector(".lv-v-train"),
    test: key.querySelector(".lv-v-test"),
    acc: key.querySelector(".lv-v-acc"),
  };
  const plot = el("div", "lv-plot");
  root.append(head, plot);
  root.dataset.points = "0";
  root.dataset.marks = "0";

  const Plotly = window.Plotly;
  if (!Plotly) {
    plot.textContent = "The plotting library did not load, so the loss curve cannot be drawn.";
    return;
  }

  let plottedHistory = null; // the array last drawn from
  let plottedCount = 0; // how many of its points are on the figure
  let plottedLast = null; // the newest point drawn (the socket replaces it in place when its step repeats)
  let stride = 1; // every stride-th point is plotted after thinning
  let classification = null;
  let logY = false;
  /** The figure's text size (CSS px): the plot element's CSS font size, fluid with the screen. */
  let font = textSize(plot);
  let marksKey = "";
  let timer = null;
  let lastDraw = 0;
  /** The last update's cost in ms. */
  let cost = 0;
  let ready = false;

  function isClassification(state) {
    return state.session?.data?.kind !== "regression";
  }

  function traces(points, withAccuracy) {
    const pick = (key) => points.map((p) => p[key] ?? null);
    const x = points.map((p) => p.step);
    // A lone point (step 0, before any training) draws no line: show it as a dot until a second one comes.
    const mode = points.length === 1 ? "markers" : "lines";
    const line = (name, key, color, dash, axis, width) => ({
      type: "scatter",
      mode,
      marker: { color, size: 6 },
      name,
      x: x.slice(),
      y: pick(key),
      yaxis: axis,
      line: { color, dash, width },
      hovertemplate: `${name} %{y:.4g}<extra>step %{x}</extra>`,
    });
    const out = [line("train loss", "train_loss", COLORS.train, "solid", "y", 2), line("test loss", "test_loss", COLORS.test, "dash", "y", 2)];
    if (withAccuracy) {
      out.push(line("train accuracy", "train_accuracy", COLORS.train, "dot", "y2", 1.2));
      out.push(line("test accuracy", "test_accuracy", COLORS.test, "dot", "y2", 1.2));
    }
    return out;
  }

  function figureLayout(state) {
    const ticklabeloverflow = "allow";
    const f = font;
    const { shapes, annotations } = marksLayout(state.changes ?? [], f, state.session?.data?.train_indices?.length ?? 0);
    const layout = {
      margin: { l: f * 4.2, r: classification ? f * 3.6 : f, t: f * 0.8, b: f * 3.2 },
      font: { size: f, family: "system-ui, sans-serif" },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      showlegend: false,
      // Labels always fit the fixed margins: "allow" spares plotly measuring every tick label on each update.
      xaxis: { title: { text: "step (iterations)", standoff: 2 }, rangemode: "tozero", zeroline: false, ticklabeloverflow },
      yaxis: { title: { text: "loss" }, type: logY ? "log" : "linear", rangemode: "tozero", exponentformat: "power", ticklabeloverflow },
      shapes,
      annotations,
      hovermode: "x unified",
    };
    if (classification) {
      layout.yaxis2 = { title: { text: "accuracy" }, overlaying: "y", side: "right", range: [0, 1.02], tickvals: [0, 0.5, 1], tickformat: ".0%", showgrid: false, zeroline: false, ticklabeloverflow };
    }
    return layout;
  }

  /** Every stride-th point of `history`, plus the newest. */
  function thinned(history) {
    if (stride === 1) return history.slice();
    const out = [];
    for (let i = 0; i < history.length; i += stride) out.push(history[i]);
    if ((history.length - 1) % stride !== 0) out.push(history[history.length - 1]);
    return out;
  }

  /** The points to plot: with "hide answers", the newest one (the loss at the current parameters) waits for
   * the loss phase of this iteration. */
  function shownHistory(state) {
    const history = state.history ?? [];
    return lossHidden(state) && history.length > 0 ? history.slice(0, -1) : history;
  }

  function redraw(state) {
    const history = shownHistory(state);
    classification = isClassification(state);
    key.querySelector(".acc").hidden = !classification;
    stride = 1;
    while (history.length / stride > MAX_POINTS) stride *= 2;
    const pts = thinned(history);
    Plotly.react(plot, traces(pts, classification), figureLayout(state), { displayModeBar: false, responsive: false });
    ready = true;
    plottedHistory = history;
    plottedCount = history.length;
    plottedLast = history[history.length - 1] ?? null;
    marksKey = keyOf(state.changes);
    setCounts(pts.length, state.changes);
  }

  function setCounts(points, changes) {
    root.dataset.points = String(points);
    root.dataset.marks = String((changes ?? []).length);
  }

  function keyOf(changes) {
    const c = changes ?? [];
    return `${c.length}|${c.length ? c[c.length - 1].step : ""}|${font}`;
  }

  /** A new history array that starts with exactly the points already plotted can simply be extended. */
  function samePrefix(history) {
    if (!plottedHistory || plottedCount === 0 || history.length < plottedCount) return false;
    const a = plottedHistory;
    return history[0].step === a[0].step && history[plottedCount - 1].step === a[plottedCount - 1].step;
  }

  function flush() {
    timer = null;
    const started = performance.now();
    lastDraw = started;
    draw();
    cost = performance.now() - started;
  }

  function draw() {
    const state = store.get();
    const history = shownHistory(state);
    if (ready && history !== plottedHistory && samePrefix(history)) plottedHistory = history;
    const replaced =
      !ready ||
      history !== plottedHistory ||
      history.length < plottedCount ||
      (plottedCount === 1 && history.length > 1) ||
      isClassification(state) !== classification ||
      (plottedCount > 0 && history[plottedCount - 1] !== plottedLast) ||
      (history.length - plottedCount) / stride + Number(root.dataset.points) > MAX_POINTS;
    if (replaced) {
      redraw(state);
    } else {
      const fresh = history.slice(plottedCount);
      const add = stride === 1 ? fresh : fresh.filter((_, i) => (plottedCount + i) % stride === 0);
      if (add.length > 0) {
        const keys = classification ? ["train_loss", "test_loss", "train_accuracy", "test_accuracy"] : ["train_loss", "test_loss"];
        const x = keys.map(() => add.map((p) => p.step));
        const y = keys.map((k) => add.map((p) => p[k] ?? null));
        Plotly.extendTraces(plot, { x, y }, keys.map((_, i) => i));
        setCounts(Number(root.dataset.points) + add.length, state.changes);
      }
      plottedCount = history.length;
      plottedLast = history[history.length - 1] ?? null;
      const mk = keyOf(state.changes);
      if (mk !== marksKey) {
        marksKey = mk;
        const { shapes, annotations } = marksLayout(state.changes ?? [], font, state.session?.data?.train_indices?.length ?? 0);
        Plotly.relayout(plot, { shapes, annotations });
        setCounts(Number(root.dataset.points), state.changes);
      }
    }
    showLatest(history[history.length - 1], lossHidden(state));
  }

  /** The newest point's losses and accuracies in the key (— where there is none, e.g. no test set; ? while
   * "hide answers" keeps the current loss back). */
  function showLatest(last, hidden) {
    const pct = (v) => (v === null || v === undefined ? "—" : `${Math.round(100 * v)}%`);
    values.train.textContent = hidden ? HIDDEN_TEXT : fmt(last?.train_loss);
    values.test.textContent = hidden ? HIDDEN_TEXT : fmt(last?.test_loss);
    values.acc.textContent = hidden ? HIDDEN_TEXT : `${pct(last?.train_accuracy)} · ${pct(last?.test_accuracy)}`;
  }

  function schedule() {
    if (timer !== null) return;
    const playing = Boolean(store.get().playing);
    const floor = playing ? PLAYING_INTERVAL_MS : MIN_INTERVAL_MS;
    const interval = Math.min(MAX_INTERVAL_MS, Math.max(floor, (playing ? SHARE_PLAYING : SHARE) * cost));
    const wait = Math.max(0, lastDraw + interval - performance.now());
    timer = setTimeout(flush, wait);
  }

  logBtn.addEventListener("click", () => {
    logY = !logY;
    logBtn.setAttribute("aria-pressed", String(logY));
    if (ready) Plotly.relayout(plot, { "yaxis.type": logY ? "log" : "linear" });
  });

  let resizeTimer = null;
  /** A new text size (the screen or presenter mode changed): fonts and margins change, draw again. */
  function refont() {
    const f = textSize(plot);
    if (f === font) return false;
    font = f;
    ready = false;
    schedule();
    return true;
  }
  // A new size: resize the figure (a redraw in progress first finishes; a new text size redraws it).
  const observer = new ResizeObserver(() => {
    if (resizeTimer !== null) return;
    const fit = () => {
      resizeTimer = null;
      if (refont()) resizeTimer = setTimeout(fit, 100);
      else if (ready) Plotly.Plots.resize(plot);
      else resizeTimer = setTimeout(fit, 100);
    };
    resizeTimer = setTimeout(fit, 100);
  });
  observer.observe(plot);

  attachCursor(root, plot, store);
  store.subscribe(["history", "changes", "session", "records", "question"], schedule);
  let hiding = false;
  store.subscribe(["ui"], (state) => {
    if (refont()) return; // a new text size draws again
    const hide = Boolean(state.ui?.hideAnswers);
    if (hide === hiding) return;
    hiding = hide;
    schedule();
  });
  schedule();
}
