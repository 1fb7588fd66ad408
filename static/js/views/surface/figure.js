/**
 * The loss-surface slice's plotly figure: the contour of L over the two parameters (log10 L on request), the
 * run's path through them, its start and the current point.
 */

import { fmt } from "../../format.js";

const PATH = "#e7298a"; // the path: seen on every colour of the Viridis scale and on the page
const NOW = "rgb(230, 97, 1)";

/**
 * Traces and layout for a surface reply (POST /api/sessions/{id}/surface).
 * @param {object} reply the server's answer
 * @param {{font: number, label: (key: string) => string, useLog: boolean}} o the text size, the parameters' names
 */
export function surfaceFigure(reply, { font, label, useLog }) {
  const f = font;
  const [xKey, yKey] = reply.keys;
  const xName = label(xKey);
  const yName = label(yKey);
  const z = useLog
    ? reply.loss.map((row) => row.map((v) => (v === null ? null : Math.log10(Math.max(v, 1e-300)))))
    : reply.loss;
  const zName = useLog ? "log₁₀ L" : "L";
  const path = reply.path;
  const n = path.steps.length;
  const traces = [
    {
      type: "contour",
      x: reply.first_values,
      y: reply.second_values,
      z,
      colorscale: "Viridis",
      ncontours: 28,
      contours: { coloring: "heatmap" },
      line: { width: 0.5, color: "rgba(255,255,255,0.35)" },
      colorbar: { title: { text: zName, side: "right" }, thickness: f * 0.9, len: 0.9 },
      hovertemplate: `${xName} = %{x:.4g}<br>${yName} = %{y:.4g}<br>${zName} = %{z:.5g}<extra></extra>`,
      name: zName,
      showlegend: false,
    },
    {
      type: "scatter",
      mode: "lines+markers",
      x: path.first,
      y: path.second,
      text: path.steps.map((s) => `step ${s}`),
      line: { color: PATH, width: 2 },
      marker: { color: PATH, size: f * 0.35, line: { color: "#ffffff", width: 0.5 } },
      hovertemplate: `%{text}<br>${xName} = %{x:.4g}<br>${yName} = %{y:.4g}<extra></extra>`,
      name: "training path",
    },
    {
      type: "scatter",
      mode: "markers",
      x: [path.first[0]],
      y: [path.second[0]],
      marker: { symbol: "circle-open", color: PATH, size: f * 1.0, line: { width: 2.5 } },
      hovertemplate: `start, step ${path.steps[0]}<extra></extra>`,
      name: `start (step ${path.steps[0]})`,
    },
    {
      type: "scatter",
      mode: "markers",
      x: [reply.first.value],
      y: [reply.second.value],
      marker: { symbol: "star", color: NOW, size: f * 1.5, line: { color: "#ffffff", width: 1.5 } },
      hovertemplate: `now, step ${reply.step}<br>L = ${fmt(reply.current.loss, 5)}<extra></extra>`,
      name: `now (step ${path.steps[n - 1]})`,
    },
  ];
  const xs = reply.first_values;
  const ys = reply.second_values;
  const layout = {
    margin: { l: f * 4.6, r: f * 0.8, t: f * 2.2, b: f * 3.4 },
    font: { size: f, family: "system-ui, sans-serif" },
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    xaxis: { title: { text: xName, standoff: 2 }, range: [xs[0], xs[xs.length - 1]], zeroline: false },
    yaxis: { title: { text: yName, standoff: 2 }, range: [ys[0], ys[ys.length - 1]], zeroline: false },
    legend: { orientation: "h", x: 0, y: 1.01, yanchor: "bottom", bgcolor: "rgba(0,0,0,0)" },
    hovermode: "closest",
  };
  return { traces, layout };
}
