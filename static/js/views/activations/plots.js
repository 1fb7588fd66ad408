/**
 * The activation explorer's figures and counts: g and g′ side by side on one z axis each (plotly subplots),
 * the saturated and dead regions shaded on both, and a layer's histogram of z (bars on a second y axis of
 * both) with the counts in words and per unit.
 */

import { fmt } from "../../format.js";
import { el } from "../shared/view-frame.js";

const G = "rgb(5, 113, 176)"; // g: the page's blue
const DG = "rgb(136, 34, 85)"; // g′: the gradient's wine
const SATURATED = "rgba(230, 159, 0, 0.22)";
const DEAD = "rgba(90, 99, 114, 0.28)";
const BARS = "rgba(29, 35, 48, 0.3)";

function regionShapes(entry, h) {
  const shapes = [];
  const add = (list, fill) => {
    for (const [lo, hi] of list) {
      for (const [x, y] of [["x", "y domain"], ["x2", "y2 domain"]]) {
        shapes.push({
          type: "rect",
          xref: x,
          yref: y,
          x0: lo ?? -h,
          x1: hi ?? h,
          y0: 0,
          y1: 1,
          fillcolor: fill,
          line: { width: 0 },
          layer: "below",
        });
      }
    }
  };
  add(entry.saturated, SATURATED);
  add(entry.dead, DEAD);
  return shapes;
}

/**
 * The figure of one activation: {traces, layout}; `report` (a layer's pre-activations, or null) adds its
 * histogram to both halves.
 */
export function figure(curves, entry, report, font) {
  const f = font;
  const h = curves.half_width;
  const traces = [
    { type: "scatter", mode: "lines", x: curves.z, y: entry.g, line: { color: G, width: 2.2 }, name: "g(z)", xaxis: "x", yaxis: "y", hovertemplate: "z = %{x:.3g}<br>g = %{y:.4g}<extra></extra>" },
    { type: "scatter", mode: "lines", x: curves.z, y: entry.dg, line: { color: DG, width: 2.2 }, name: "g′(z)", xaxis: "x2", yaxis: "y2", hovertemplate: "z = %{x:.3g}<br>g′ = %{y:.4g}<extra></extra>" },
  ];
  const axis = { zeroline: true, zerolinecolor: "#c8ccd3", range: [-h, h], ticklabeloverflow: "allow" };
  const layout = {
    margin: { l: f * 2.8, r: report ? f * 3.4 : f * 0.8, t: f * 1.6, b: f * 2.6 },
    font: { size: f, family: "system-ui, sans-serif" },
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    showlegend: false,
    hovermode: "closest",
    xaxis: { ...axis, domain: [0, 0.45], title: { text: "z", standoff: 3 } },
    xaxis2: { ...axis, domain: [0.55, 1], title: { text: "z", standoff: 3 } },
    yaxis: { anchor: "x", zeroline: true, zerolinecolor: "#c8ccd3" },
    yaxis2: { anchor: "x2", zeroline: true, zerolinecolor: "#c8ccd3" },
    shapes: regionShapes(entry, h),
    annotations: [
      { text: "g(z)", xref: "x domain", yref: "y domain", x: 0, y: 1.02, xanchor: "left", yanchor: "bottom", showarrow: false, font: { color: G } },
      { text: "g′(z)", xref: "x2 domain", yref: "y2 domain", x: 0, y: 1.02, xanchor: "left", yanchor: "bottom", showarrow: false, font: { color: DG } },
    ],
  };
  if (report) {
    const centres = report.edges.slice(0, -1).map((e, i) => (e + report.edges[i + 1]) / 2);
    const totals = centres.map((_, i) => report.counts.reduce((sum, unit) => sum + unit[i], 0));
    const width = report.edges[1] - report.edges[0];
    const top = Math.max(1, ...totals) * 1.15;
    for (const [x, y] of [["x", "y3"], ["x2", "y4"]]) {
      traces.unshift({
        type: "bar",
        x: centres,
        y: totals,
        width,
        marker: { color: BARS },
        xaxis: x,
        yaxis: y,
        name: `z of layer ${report.layer}`,
        hovertemplate: `z ∈ %{x:.3g} ± ${fmt(width / 2, 3)}: %{y} values<extra></extra>`,
      });
    }
    const histAxis = { range: [0, top], showgrid: false, zeroline: false, tickmode: "auto", nticks: 4 };
    layout.yaxis3 = { ...histAxis, overlaying: "y", anchor: "x", side: "right", showticklabels: false };
    layout.yaxis4 = { ...histAxis, overlaying: "y2", anchor: "x2", side: "right", title: { text: "z values", standoff: 2 } };
  }
  return { traces, layout };
}

const pct = (part, whole) => (whole ? `${fmt((100 * part) / whole, 3)} %` : "—");

/** The layer's counts in words. */
export function countsText(report, entry, layer) {
  if (!report) return "";
  const n = report.examples * report.units;
  const sum = (list) => (list ?? []).reduce((a, b) => a + b, 0);
  const h = fmt(report.half_width);
  const outside = `${sum(report.below)} below −${h}, ${sum(report.above)} above ${h}`;
  const head = `Layer ${layer}: z of ${report.units} unit${report.units === 1 ? "" : "s"} over ${report.examples} training example${report.examples === 1 ? "" : "s"} (${n} value${n === 1 ? "" : "s"}; ${outside}).`;
  if (report.dead === null) return `${head} Softmax is not elementwise: no saturated or dead region.`;
  const saturated = sum(report.saturated);
  const dead = sum(report.dead);
  const limit = entry.threshold === null ? "" : ` (|g′| ≤ ${fmt(entry.threshold)})`;
  return (
    `${head} Saturated${limit}: ${saturated} (${pct(saturated, n)}); dead (g′ = 0): ${dead} (${pct(dead, n)}). ` +
    `Units dead on every example: ${report.dead_units} of ${report.units}; saturated or dead on most examples: ` +
    `${report.saturated_units} of ${report.units}.`
  );
}

/** A small table of the layer's units: the range of its z and its saturated and dead counts. */
export function unitRows(report) {
  if (!report) return [];
  const table = el("table", "av-unit-table");
  const head = document.createElement("tr");
  for (const text of ["unit", "min z", "max z", "saturated", "dead"]) head.append(el("th", "", text));
  table.append(head);
  for (let j = 0; j < report.units; j++) {
    const row = document.createElement("tr");
    const dead = report.dead?.[j];
    const cells = [
      String(j + 1),
      fmt(report.min[j], 3),
      fmt(report.max[j], 3),
      report.saturated ? String(report.saturated[j]) : "—",
      dead === undefined || dead === null ? "—" : String(dead),
    ];
    for (const text of cells) row.append(el("td", "", text));
    if (dead === report.examples) row.classList.add("av-unit-dead");
    table.append(row);
  }
  return [table];
}
