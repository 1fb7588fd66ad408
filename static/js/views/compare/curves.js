/**
 * The compare dialog's words and plot: which setting tells two runs apart ("η = 0.03" vs "η = 0.003"), where
 * one branched from the other, and both loss curves on one plotly figure (each run its own colour, the branch
 * point and the compared step marked by vertical lines).
 */

import { FIELD_NAMES, valueText } from "../shared/changes.js";

/** The two runs' colours: this run the page's blue, the other wine. */
export const RUN_COLORS = ["rgb(5, 113, 176)", "rgb(136, 34, 85)"];
const LIVE = ["learning_rate", "batch_size", "optimizer", "momentum", "regularization", "regularization_rate", "train_biases", "shuffle", "drop_last"];

/** [legend of a, legend of b]: the live settings that differ, "η = 0.03" vs "η = 0.003" (or the runs' roles). */
export function legends(a, b, roles) {
  const ca = a.config ?? {};
  const cb = b.config ?? {};
  const differ = LIVE.filter((f) => ca[f] !== cb[f]);
  const text = (c) => differ.map((f) => `${FIELD_NAMES[f] ?? f} = ${valueText(c[f])}`).join(", ");
  if (differ.length === 0) return [`${roles[0]} (same settings)`, `${roles[1]} (same settings)`];
  return [`${text(ca)} (${roles[0]})`, `${text(cb)} (${roles[1]})`];
}

/** The step where one run branched from the other (or both from one parent), or null. */
export function branchStep(a, b) {
  if (b.parent?.id === a.id) return b.parent.step;
  if (a.parent?.id === b.id) return a.parent.step;
  if (a.parent && b.parent && a.parent.id === b.parent.id) return Math.min(a.parent.step, b.parent.step);
  return null;
}

/** The other run's role as seen from this one. */
export function roleOf(a, b) {
  if (b.parent?.id === a.id) return "branch";
  if (a.parent?.id === b.id) return "parent";
  return "sibling";
}

function traces(history, name, color) {
  const x = history.map((p) => p.step);
  const mode = history.length === 1 ? "markers" : "lines";
  return [
    { type: "scatter", mode, name: `${name} · train`, x, y: history.map((p) => p.train_loss ?? null), line: { color, width: 2 }, marker: { color, size: 6 }, hovertemplate: `train %{y:.4g}<extra>step %{x}</extra>` },
    { type: "scatter", mode, name: `${name} · test`, x, y: history.map((p) => p.test_loss ?? null), line: { color, width: 1.2, dash: "dot" }, marker: { color, size: 4 }, hovertemplate: `test %{y:.4g}<extra>step %{x}</extra>` },
  ];
}

function vline(x, color, dash, label, font) {
  return {
    shape: { type: "line", xref: "x", yref: "paper", x0: x, x1: x, y0: 0, y1: 1, line: { color, width: 1.5, dash } },
    annotation: { x, xref: "x", y: 1, yref: "paper", text: label, showarrow: false, xanchor: "left", yanchor: "top", font: { size: font, color }, bgcolor: "rgba(255,255,255,0.8)" },
  };
}

/**
 * Draw (or redraw) the figure into `plot`.
 * @param {HTMLElement} plot
 * @param {{history: object[], name: string}[]} runs the two runs
 * @param {number|null} branchAt the branch point
 * @param {number} step the compared step
 * @param {number} font text size (CSS px)
 */
export function drawCurves(plot, runs, branchAt, step, font) {
  const Plotly = window.Plotly;
  if (!Plotly) {
    plot.textContent = "The plotting library did not load, so the loss curves cannot be drawn.";
    return;
  }
  const data = runs.flatMap((r, i) => traces(r.history, r.name, RUN_COLORS[i]));
  const lines = [vline(step, "rgb(90, 90, 90)", "dash", `step ${step}`, font)];
  if (branchAt !== null) lines.push(vline(branchAt, "rgb(29, 35, 48)", "solid", `branch at step ${branchAt}`, font));
  const layout = {
    margin: { l: font * 4.2, r: font, t: font * 0.8, b: font * 3 },
    font: { size: font, family: "system-ui, sans-serif" },
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    showlegend: true,
    legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom", font: { size: font } },
    xaxis: { title: { text: "step (iterations)", standoff: 2 }, rangemode: "tozero", zeroline: false },
    yaxis: { title: { text: "loss" }, rangemode: "tozero", exponentformat: "power" },
    shapes: lines.map((l) => l.shape),
    annotations: lines.map((l) => l.annotation),
    hovermode: "x unified",
  };
  layout.margin.t = font * 3.2;
  Plotly.react(plot, data, layout, { displayModeBar: false, responsive: false });
}
