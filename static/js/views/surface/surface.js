/**
 * The loss-surface slice: the training loss over two of the network's parameters (the others held at their
 * current values), a plotly contour on a box of ± span around the current values, with the run's path
 * through the two parameters (POST /api/sessions/{id}/surface) and the current point marked.
 *
 * Recomputed on demand: the Recompute button, a change of either parameter, a new network. While the run
 * trains on, the note says how far it has gone since the slice was computed. Parameters are named as the
 * page names them (notation.js: W^l_jk in the rows notation, w^(l)_ij in the columns one); the request uses
 * the engine's layout (layer, row = to, col = from) whatever the notation.
 */

import { fmt } from "../../format.js";
import { postJson } from "../shared/api.js";
import { tex } from "../shared/tex.js";
import { biasText, notationOf, weightText } from "../shared/notation.js";
import { el, startView, textSize } from "../shared/view-frame.js";
import { parameterLabel, parameterOptions, parameterTex, parseKey, pathSpan } from "./params.js";

const FIELDS = ["first", "second", "span", "resolution"];
const PATH = "#e7298a"; // the path: seen on every colour of the Viridis scale and on the page
const NOW = "rgb(230, 97, 1)";

/** A labelled control with its error line below: {wrap, input, error}. */
function field(id, label, input) {
  const wrap = el("div", "sv-field");
  const lab = el("label", "sv-label", label);
  lab.htmlFor = id;
  input.id = id;
  const error = el("div", "sv-error");
  error.id = `${id}-error`;
  error.setAttribute("role", "alert");
  wrap.append(lab, input, error);
  return { wrap, input, error };
}

function numberInput(min, max, step, value) {
  const input = el("input", "sv-number");
  Object.assign(input, { type: "number", min: String(min), max: String(max), step: String(step), value: String(value) });
  return input;
}

export function mount(root, store) {
  startView(root, "surface-view");
  const views = { resMin: 5, resMax: 101, spanMin: 0.001, spanMax: 100 };
  const head = el("div", "sv-head");
  const title = el("h2", "sv-title", "Loss surface: the training loss over two parameters");
  const controls = el("div", "sv-controls");
  const fields = {
    first: field("sv-first", "First (x axis)", el("select", "sv-select")),
    second: field("sv-second", "Second (y axis)", el("select", "sv-select")),
    span: field("sv-span", "Span ±", numberInput(views.spanMin, views.spanMax, "any", 2)),
    resolution: field("sv-resolution", "Points a side", numberInput(views.resMin, views.resMax, 2, 41)),
  };
  const recompute = el("button", "sv-button sv-recompute", "Recompute");
  recompute.type = "button";
  const fit = el("button", "sv-button", "Fit the path");
  fit.type = "button";
  fit.title = "Set the span so the whole path is inside the box, and recompute";
  const logBox = el("input", "");
  logBox.type = "checkbox";
  logBox.id = "sv-log";
  const logLabel = el("label", "sv-check", "log₁₀ colours");
  logLabel.prepend(logBox);
  const buttons = el("div", "sv-buttons");
  buttons.append(recompute, fit, logLabel);
  controls.append(...FIELDS.map((f) => fields[f].wrap), buttons);
  const formula = el("div", "sv-formula");
  formula.id = "sv-formula";
  const note = el("p", "sv-note");
  note.id = "sv-note";
  note.setAttribute("aria-live", "polite");
  const general = el("p", "sv-error sv-general");
  general.setAttribute("role", "alert");
  head.append(title, controls, formula, note, general);
  const plot = el("div", "sv-plot");
  plot.id = "sv-plot";
  root.append(head, plot);

  const Plotly = window.Plotly;
  let reply = null; // the last slice
  let sizesKey = ""; // the network the options were built for
  let notation = notationOf(store.get());
  let asked = 0; // requests sent; an answer to an older one is dropped
  let font = textSize(plot);

  const visible = () => store.get().view === "surface";

  function sessionId() {
    return store.get().session?.id ?? null;
  }

  function currentStep(state) {
    return state.frame?.step ?? state.timeline?.step ?? state.session?.cursor?.step ?? null;
  }

  function clearErrors() {
    for (const f of FIELDS) {
      fields[f].error.textContent = "";
      fields[f].input.removeAttribute("aria-invalid");
    }
    general.textContent = "";
  }

  function showError(err) {
    const root = (err.field ?? "").split(".")[0];
    const target = fields[root];
    const text = err.message || String(err);
    if (target) {
      target.error.textContent = text;
      target.input.setAttribute("aria-invalid", "true");
    } else {
      general.textContent = text;
    }
  }

  /** The <select>s' options for the session's network (kept when the network is the same). */
  function buildOptions(state) {
    const session = state.session;
    if (!session?.weights) return false;
    const key = session.weights.map((w) => `${w.length}x${w[0]?.length ?? 0}`).join(",");
    const keepFirst = fields.first.input.value;
    const keepSecond = fields.second.input.value;
    const groups = parameterOptions(session.weights, notation, { weightText, biasText });
    for (const f of ["first", "second"]) {
      const select = fields[f].input;
      select.replaceChildren(
        ...groups.map((g) => {
          const group = document.createElement("optgroup");
          group.label = g.label;
          group.append(...g.options.map((o) => new Option(o.text, o.key)));
          return group;
        }),
      );
    }
    const keys = new Set(groups.flatMap((g) => g.options.map((o) => o.key)));
    const changed = key !== sizesKey;
    sizesKey = key;
    const L = session.weights.length;
    const last = session.weights[L - 1];
    const defaults = [`weight:${L}:0:0`, last[0].length > 1 ? `weight:${L}:0:1` : `bias:${L}:0`];
    fields.first.input.value = !changed && keys.has(keepFirst) ? keepFirst : defaults[0];
    fields.second.input.value = !changed && keys.has(keepSecond) ? keepSecond : defaults[1];
    return changed;
  }

  function label(key) {
    return parameterLabel(parseKey(key), notation, { weightText, biasText });
  }

  async function compute() {
    const id = sessionId();
    if (!id) return;
    clearErrors();
    const first = parseKey(fields.first.input.value);
    const second = parseKey(fields.second.input.value);
    const span = Number(fields.span.input.value);
    const resolution = Number(fields.resolution.input.value);
    if (!Number.isFinite(span)) return showError({ field: "span", message: "Span ± must be a number" });
    if (!Number.isInteger(resolution)) return showError({ field: "resolution", message: "Points a side must be a whole number" });
    const mine = ++asked;
    recompute.disabled = true;
    root.dataset.state = "computing";
    note.textContent = "Computing…";
    const started = performance.now();
    try {
      const answer = await postJson(`/api/sessions/${id}/surface`, { first, second, span, resolution });
      if (mine !== asked) return;
      reply = { ...answer, session: id, ms: performance.now() - started, keys: [fields.first.input.value, fields.second.input.value] };
      draw();
      root.dataset.state = "ready";
    } catch (err) {
      if (mine !== asked) return;
      showError(err);
      root.dataset.state = "error";
      note.textContent = "";
    } finally {
      if (mine === asked) recompute.disabled = false;
    }
  }

  function lossFormula(name) {
    return store.get().meta?.formulas?.losses?.[name]?.formula ?? name;
  }

  function describe() {
    if (!reply) return "";
    const o = reply.objective;
    const reg = o.regularization === "none" ? "" : ` + R (${o.regularization}, λ = ${fmt(o.regularization_rate)})`;
    const now = currentStep(store.get());
    const later = now !== null && now !== reply.step ? ` The run is at step ${now} now: Recompute to follow it.` : "";
    const path = reply.path;
    return (
      `Step ${reply.step}: L = ${fmt(reply.current.loss, 5)}, the mean of ${lossFormula(o.loss)} over ${o.examples === 1 ? "the one training example" : `the ${o.examples} training examples`}${reg}; ` +
      `every other parameter held at its current value. Path: ${path.steps.length} recorded step${path.steps.length === 1 ? "" : "s"} ` +
      `${path.steps[0]}–${path.steps[path.steps.length - 1]}.${later}`
    );
  }

  function figure() {
    const f = font;
    const [xKey, yKey] = reply.keys;
    const xName = label(xKey);
    const yName = label(yKey);
    const useLog = logBox.checked;
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

  /** L over the two parameters, as the lecture writes the training loss. */
  function typeset() {
    const [a, b] = reply.keys.map((k) => parameterTex(parseKey(k), notation));
    const o = reply.objective;
    const reg = o.regularization === "none" ? "" : " + R(W)";
    tex(formula, `L(${a},\\, ${b}) = \\frac{1}{N}\\sum_{i=1}^{N} \\ell(\\hat y_i, y_i)${reg},\\quad N = ${o.examples}`);
  }

  function draw() {
    if (!reply) return;
    note.textContent = describe();
    typeset();
    root.dataset.points = String(reply.path.steps.length);
    root.dataset.step = String(reply.step);
    if (!Plotly) {
      plot.textContent = "The plotting library did not load, so the surface cannot be drawn.";
      return;
    }
    const { traces, layout } = figure();
    Object.assign(layout, { width: plot.clientWidth, height: plot.clientHeight }); // its box's size now
    Plotly.react(plot, traces, layout, { displayModeBar: false, responsive: false });
  }

  function relabel() {
    const state = store.get();
    notation = notationOf(state);
    buildOptions(state);
    draw();
  }

  recompute.addEventListener("click", () => compute());
  fields.first.input.addEventListener("change", () => compute());
  fields.second.input.addEventListener("change", () => compute());
  for (const f of ["span", "resolution"]) {
    fields[f].input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") compute();
    });
  }
  fit.addEventListener("click", () => {
    if (!reply) return compute();
    const span = pathSpan(reply, views.spanMin, views.spanMax);
    fields.span.input.value = String(span);
    compute();
  });
  logBox.addEventListener("change", () => draw());

  store.subscribe(["session"], (state) => {
    const changedNetwork = buildOptions(state);
    if (visible() && (changedNetwork || (reply && reply.session !== state.session?.id))) compute();
  });
  store.subscribe(["ui"], () => {
    // After the page has applied the change (presenter mode's larger type).
    requestAnimationFrame(() => {
      const newFont = textSize(plot);
      if (notationOf(store.get()) !== notation || newFont !== font) {
        font = newFont;
        relabel();
      }
    });
  });
  let lastStep = null;
  store.subscribe(["frame", "timeline"], (state) => {
    const step = currentStep(state);
    if (!reply || !visible() || step === lastStep) return;
    lastStep = step;
    note.textContent = describe();
  });
  let resizing = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => {
      if (!visible() || !reply) return;
      font = textSize(plot);
      draw();
    }, 100);
  });

  buildOptions(store.get());
  return {
    shown() {
      const newFont = textSize(plot);
      if (!reply || reply.session !== sessionId()) {
        compute();
      } else {
        font = newFont;
        draw();
      }
    },
  };
}
