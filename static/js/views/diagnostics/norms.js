/**
 * The gradient norms over the run: one line per layer, ‖∂L/∂W^l‖ (Frobenius) of the batch gradient each
 * recorded step's last update used, on a log axis (a vanishing gradient is a fan of lines decades apart).
 * The points are the loss curve's (`history`, each with `grad_norms`); plotly redraws at most every DRAW_MS.
 */

import { el, plotFrame, redrawOnResize, textSize } from "../shared/view-frame.js";

const DRAW_MS = 400;
/** Layer 1 .. 7: from light to dark along one hue family, so depth reads as shade. */
const COLORS = ["#f4a261", "#e76f51", "#c2185b", "#8e24aa", "#5e35b1", "#1e88e5", "#00695c"];
const SUP = (n) => String(n).replace(/\d/g, (d) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[Number(d)]);

/** The norm plot inside `box`; `update(state, force)` redraws (throttled unless forced). */
export function normsPlot(box) {
  const title = el("h3", "diag-subtitle", "Gradient norm per layer ‖∂L/∂Wˡ‖");
  const plot = el("div", "diag-plot");
  const note = el(
    "p",
    "diag-note",
    "Frobenius norm of the batch gradient each step's update used. With sigmoid layers every layer back multiplies δ by σ′(z) ≤ ¼: the lines of the first layers sit decades below the last (vanishing gradient); ReLU's g′ = 1 on active units keeps them together.",
  );
  box.append(title, plot, note);
  const Plotly = window.Plotly;
  if (!Plotly) plot.textContent = "The plotting library did not load, so the norms cannot be drawn.";
  let timer = null;
  let last = 0;
  let pending = null;
  let drawn = false;
  // The figure follows its box (a screen resize, presenter mode's larger type).
  redrawOnResize(plot, () => drawn && pending !== null, () => draw(pending));

  function traces(history) {
    const depth = history.reduce((m, p) => Math.max(m, p.grad_norms?.length ?? 0), 0);
    const out = [];
    for (let l = 0; l < depth; l++) {
      const x = [];
      const y = [];
      for (const p of history) {
        const v = p.grad_norms?.[l];
        if (v === undefined || p.grad_norms === null) continue;
        x.push(p.step);
        y.push(v !== null && v > 0 ? v : null);
      }
      out.push({
        type: "scatter",
        mode: x.length === 1 ? "markers" : "lines",
        name: `‖∂L/∂W${SUP(l + 1)}‖`,
        x,
        y,
        line: { color: COLORS[l % COLORS.length], width: 2 },
        marker: { color: COLORS[l % COLORS.length], size: 6 },
        hovertemplate: `W${SUP(l + 1)}: %{y:.3e}<extra>step %{x}</extra>`,
      });
    }
    return out;
  }

  function draw(state) {
    timer = null;
    last = performance.now();
    const history = state.history ?? [];
    const data = traces(history);
    plot.dataset.layers = String(data.length);
    plot.dataset.points = String(data[0]?.x.length ?? 0);
    const newest = [...history].reverse().find((p) => Array.isArray(p.grad_norms));
    plot.dataset.last = newest ? JSON.stringify(newest.grad_norms) : "";
    if (!Plotly || plot.clientWidth === 0) return;
    const f = textSize(plot);
    const layout = {
      ...plotFrame(plot, f, 4.4, 0.6),
      showlegend: true,
      legend: { orientation: "h", y: 1.02, yanchor: "bottom", x: 0, font: { size: f * 0.9 } },
      xaxis: { title: { text: "step (iterations)", standoff: 2 }, zeroline: false },
      yaxis: { title: { text: "norm" }, type: "log", dtick: 1, exponentformat: "power" },
      annotations: data.length
        ? []
        : [{ text: "No update yet: step or play the run", showarrow: false, xref: "paper", yref: "paper", x: 0.5, y: 0.5 }],
    };
    Plotly.react(plot, data, layout, { displayModeBar: false, responsive: false });
    drawn = true;
  }

  return {
    update(state, force = false) {
      pending = state;
      if (force) {
        if (timer !== null) clearTimeout(timer);
        draw(state);
        return;
      }
      if (timer !== null) return;
      timer = setTimeout(() => draw(pending), Math.max(0, DRAW_MS - (performance.now() - last)));
    },
  };
}
