/**
 * The descent view's figure (plotly.js): f's contour over the box, the path x_0..x_t drawn so far, the
 * current point, the start and (for a quadratic) the stationary point x*. A click inside the axes calls
 * `onPick(x, y)` with the clicked point in f's coordinates (the start is set there).
 *
 * Levels: when most of the box lies near f's minimum (a valley such as Rosenbrock's, whose walls rise a
 * thousand times higher), the contour is drawn over log10(1 + f − min f) so the valley floor gets levels too;
 * hovering always shows f itself.
 */

import { fmt } from "../../format.js";
import { plotPoint } from "../shared/view-frame.js";

const PATH_COLOR = "rgb(136, 34, 85)";
const CURRENT_COLOR = "rgb(230, 97, 1)";
const START_COLOR = "rgb(29, 35, 48)";

/** Whether f's values over the box are skewed enough to need logarithmic levels. */
function skewed(values, zMin, zMax) {
  if (!(zMax > zMin) || values.length === 0) return false;
  const sorted = values.slice().sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return median - zMin < 0.1 * (zMax - zMin);
}

/**
 * The contour trace of a /api/descent/contour reply.
 * @param {{xs: number[], ys: number[], z: (number|null)[][], z_min: number|null, z_max: number|null}} grid
 */
function contourTrace(grid) {
  const finite = grid.z.flat().filter((v) => v !== null);
  const log = skewed(finite, grid.z_min, grid.z_max);
  const shown = log ? grid.z.map((row) => row.map((v) => (v === null ? null : Math.log10(1 + v - grid.z_min)))) : grid.z;
  return {
    trace: {
      type: "contour",
      x: grid.xs,
      y: grid.ys,
      z: shown,
      text: grid.z.map((row) => row.map((v) => fmt(v, 5))),
      hovertemplate: "x %{x:.4g}, y %{y:.4g}<br>f = %{text}<extra></extra>",
      colorscale: "Viridis",
      reversescale: true,
      ncontours: 22,
      contours: { coloring: "heatmap", showlines: true },
      line: { width: 0.6, color: "rgba(255,255,255,0.55)" },
      showscale: false,
      connectgaps: false,
    },
    log,
  };
}

/**
 * Mount the figure into `plotEl`.
 * @param {HTMLElement} plotEl
 * @param {(x: number, y: number) => void} onPick
 */
export function createPlot(plotEl, onPick) {
  const Plotly = window.Plotly;
  let grid = null;
  let box = null;
  let drawn = false;
  let font = 12;

  function layout() {
    const f = font;
    return {
      margin: { l: f * 3.4, r: f * 0.8, t: f * 0.6, b: f * 2.8 },
      font: { size: f, family: "system-ui, sans-serif" },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      showlegend: false,
      dragmode: false,
      hovermode: "closest",
      xaxis: { title: { text: "x", standoff: 2 }, range: [box[0], box[1]], zeroline: false, constrain: "domain", ticklabeloverflow: "allow" },
      yaxis: { title: { text: "y", standoff: 2 }, range: [box[2], box[3]], zeroline: false, scaleanchor: "x", scaleratio: 1, constrain: "domain", ticklabeloverflow: "allow" },
    };
  }

  /** The path traces: the path so far, the current point, the start, x*. */
  function pathTraces(points, t, stationary) {
    const upto = points.slice(0, t + 1);
    const hover = "step %{text}<br>x %{x:.6g}, y %{y:.6g}<extra></extra>";
    return [
      {
        type: "scatter",
        mode: "lines+markers",
        x: upto.map((p) => p[0]),
        y: upto.map((p) => p[1]),
        text: upto.map((_, i) => String(i)),
        hovertemplate: hover,
        line: { color: PATH_COLOR, width: 2 },
        marker: { color: PATH_COLOR, size: 5 },
        cliponaxis: true,
      },
      {
        type: "scatter",
        mode: "markers",
        x: [points[t]?.[0] ?? null],
        y: [points[t]?.[1] ?? null],
        text: [String(t)],
        hovertemplate: hover,
        marker: { color: CURRENT_COLOR, size: 13, line: { color: "white", width: 2 } },
      },
      {
        type: "scatter",
        mode: "markers",
        x: [points[0]?.[0] ?? null],
        y: [points[0]?.[1] ?? null],
        hovertemplate: "start x₀<br>x %{x:.6g}, y %{y:.6g}<extra></extra>",
        marker: { color: START_COLOR, size: 11, symbol: "x-thin", line: { color: START_COLOR, width: 3 } },
      },
      {
        type: "scatter",
        mode: "markers",
        x: stationary ? [stationary[0]] : [],
        y: stationary ? [stationary[1]] : [],
        hovertemplate: "stationary point x*<br>x %{x:.6g}, y %{y:.6g}<extra></extra>",
        marker: { color: "white", size: 12, symbol: "star", line: { color: START_COLOR, width: 1.5 } },
      },
    ];
  }

  let lastPath = { points: [], t: 0, stationary: null };

  function draw() {
    if (!Plotly || !grid || !box) return;
    const { trace, log } = contourTrace(grid);
    plotEl.dataset.levels = log ? "log" : "linear";
    const data = [trace, ...pathTraces(lastPath.points, lastPath.t, lastPath.stationary)];
    Plotly.react(plotEl, data, layout(), { displayModeBar: false, responsive: false });
    drawn = true;
  }

  plotEl.addEventListener("click", (e) => {
    const at = plotPoint(plotEl, e);
    if (at && Number.isFinite(at.x) && Number.isFinite(at.y)) onPick(at.x, at.y);
  });

  return {
    /** A new contour (function or box changed). */
    setGrid(next, nextBox) {
      grid = next;
      box = nextBox;
      draw();
    },
    /** The path up to step t (restyles only the path traces once the contour is drawn). */
    setPath(points, t, stationary) {
      lastPath = { points, t, stationary };
      if (!drawn) return draw();
      const traces = pathTraces(points, t, stationary);
      const keys = ["x", "y", "text"];
      const update = Object.fromEntries(keys.map((k) => [k, traces.map((tr) => tr[k] ?? null)]));
      Plotly.restyle(plotEl, update, [1, 2, 3, 4]);
    },
    /** The text size changed (screen, presenter mode) or the view became visible: lay out again. */
    resize(textPx) {
      font = textPx;
      if (drawn) Plotly.relayout(plotEl, layout());
      if (drawn) Plotly.Plots.resize(plotEl);
    },
    available: Boolean(Plotly),
  };
}
