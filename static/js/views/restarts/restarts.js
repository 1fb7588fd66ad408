/**
 * The Restarts view (lecture 001: "run several SGDs and keep the best"): N seeds of the current session's
 * configuration (its data unchanged) trained M epochs each on the server (POST /api/sessions/{id}/restarts),
 * their training-loss curves together (plotly), the best (lowest final training loss) marked, and "Keep the
 * best": POST .../restarts/keep makes it a new session trained the same M epochs through the normal stepping
 * (its loss curve and timeline complete, its numbers those of the curve shown), then the page switches to it.
 */

import { h } from "../../controls/dom.js";
import { postJson } from "../shared/api.js";
import { el, plotFrame, redrawOnResize, startView, textSize } from "../shared/view-frame.js";

const COLORS = ["#0571b0", "#e66101", "#117733", "#882255", "#5e35b1", "#00838f", "#9a6700", "#c2185b"];

function field(label, name, attrs) {
  const input = h("input", { type: "number", name, class: "rs-input", ...attrs });
  const error = h("span", { class: "rs-field-error", role: "alert", dataset: { field: name } });
  return { input, error, node: h("label", { class: "rs-field" }, h("span", { class: "rs-label" }, label), input, error) };
}

export function mount(root, store) {
  startView(root, "rs-view");
  const limits = store.get().meta?.views ?? {};
  const runs = field("seeds N", "runs", { min: 1, max: limits.restarts_max_runs ?? 16, step: 1, value: limits.restarts_default_runs ?? 4 });
  const epochs = field("epochs M", "epochs", { min: 1, max: limits.restarts_max_epochs ?? 500, step: 1, value: limits.restarts_default_epochs ?? 20 });
  const first = field("first seed", "first_seed", { min: 0, step: 1, placeholder: "current" });
  const go = h("button", { type: "button", class: "primary rs-run" }, "Run the seeds");
  const keep = h("button", { type: "button", class: "rs-keep", disabled: true }, "Keep the best");
  const status = h("span", { class: "rs-status", role: "status" });
  const head = h(
    "div",
    { class: "rs-head" },
    h("h2", { class: "rs-title" }, "Random restarts"),
    runs.node,
    epochs.node,
    first.node,
    go,
    keep,
    status,
  );
  const plot = el("div", "rs-plot");
  // Until the first run: what the button does, where the curves will be.
  const list = el("div", "rs-list", "Run the seeds: each one trains this configuration for M epochs from its own initialisation, and their loss curves appear here together.");
  const note = el(
    "p",
    "rs-note",
    "Each seed draws its own initial weights and batch order; the data stay this session's. SGD from different starting points ends in different minima: run several and keep the one with the lowest final training loss (lecture 001). Keeping it makes a new run you continue, with its whole history.",
  );
  root.append(head, plot, list, note);
  const Plotly = window.Plotly;
  let result = null;
  let resultFor = null;

  function clearErrors() {
    for (const f of [runs, epochs, first]) f.error.textContent = "";
  }

  function showError(err) {
    const target = { runs, epochs, first_seed: first, seed: first }[err.field ?? ""];
    if (target) target.error.textContent = err.message;
    else status.textContent = err.message;
  }

  async function run() {
    const id = store.get().session?.id;
    if (!id) return;
    clearErrors();
    const body = { runs: Number(runs.input.value), epochs: Number(epochs.input.value) };
    if (first.input.value !== "") body.first_seed = Number(first.input.value);
    go.disabled = true;
    keep.disabled = true;
    status.textContent = `training ${body.runs} seeds × ${body.epochs} epochs…`;
    try {
      result = await postJson(`/api/sessions/${encodeURIComponent(id)}/restarts`, body);
      resultFor = id;
      status.textContent = "";
      draw();
    } catch (err) {
      status.textContent = "";
      showError(err);
    } finally {
      go.disabled = false;
    }
  }

  async function keepBest() {
    if (!result || result.best === null || !resultFor) return;
    const best = result.runs[result.best];
    keep.disabled = true;
    status.textContent = `training seed ${best.seed} as a new run…`;
    try {
      const state = await postJson(`/api/sessions/${encodeURIComponent(resultFor)}/restarts/keep`, {
        seed: best.seed,
        epochs: result.epochs,
      });
      status.textContent = `kept seed ${best.seed}: now on its run (step ${state.step})`;
      root.dataset.kept = state.id;
      document.dispatchEvent(new CustomEvent("bl:switch", { detail: { id: state.id } }));
    } catch (err) {
      status.textContent = "";
      showError(err);
      keep.disabled = false;
    }
  }

  function draw() {
    if (!result) return;
    const best = result.best;
    root.dataset.best = best === null ? "" : String(result.runs[best].seed);
    root.dataset.bestLoss = best === null ? "" : String(result.runs[best].train_loss.at(-1));
    root.dataset.runs = String(result.runs.length);
    keep.disabled = best === null;
    keep.textContent = best === null ? "Keep the best" : `Keep the best (seed ${result.runs[best].seed})`;
    const items = result.runs.map((run, i) => {
      const final = run.train_loss.at(-1);
      const text = run.diverged ? `diverged: ${run.diverged}` : final === null ? "loss undefined" : final.toPrecision(5);
      return h(
        "li",
        { class: i === best ? "rs-best" : "", dataset: { seed: run.seed } },
        h("span", { class: "rs-swatch", style: { background: COLORS[i % COLORS.length] } }),
        `seed ${run.seed}: ${text}`,
        i === best ? h("b", {}, "  ← best (lowest final training loss)") : "",
      );
    });
    list.replaceChildren(h("p", { class: "rs-list-title" }, `Final training loss after ${result.epochs} epochs`), h("ol", { class: "rs-seeds" }, ...items));
    if (!Plotly || plot.clientWidth === 0) return;
    const f = textSize(plot);
    const traces = result.runs.map((run, i) => ({
      type: "scatter",
      mode: "lines",
      name: `seed ${run.seed}`,
      x: run.train_loss.map((_, k) => k),
      y: run.train_loss,
      line: { color: COLORS[i % COLORS.length], width: i === best ? 4 : 1.5 },
      opacity: best === null || i === best ? 1 : 0.6,
      hovertemplate: `seed ${run.seed}: %{y:.4g}<extra>epoch %{x}</extra>`,
    }));
    const annotations =
      best === null
        ? []
        : [{ x: result.epochs, y: result.runs[best].train_loss.at(-1), text: `best: seed ${result.runs[best].seed}`, showarrow: true, arrowhead: 2, ax: -f * 4, ay: -f * 2 }];
    Plotly.react(
      plot,
      traces,
      {
        ...plotFrame(plot, f, 4.2, 0.8),
        showlegend: false,
        xaxis: { title: { text: "epoch", standoff: 2 }, zeroline: false },
        yaxis: { title: { text: "training loss" }, exponentformat: "power" },
        annotations,
      },
      { displayModeBar: false, responsive: false },
    );
  }

  redrawOnResize(plot, () => result !== null, draw);

  go.addEventListener("click", run);
  keep.addEventListener("click", keepBest);
  store.subscribe(["session"], (s) => {
    if (s.session?.id !== resultFor && root.dataset.kept !== s.session?.id) keep.disabled = true;
  });
  return {
    shown() {
      draw();
    },
  };
}
