/**
 * The activation explorer: for every activation the engine has, g and g′ side by side (the engine's own
 * values, GET /api/activations), its formulas typeset with KaTeX, the saturated regions (0 < |g′| ≤ the
 * engine's saturation slope × g's largest slope) and dead regions (g′ = 0) shaded; and the current
 * network's pre-activations z of a chosen layer over the training set (GET /api/sessions/{id}/preactivations,
 * evaluation mode) as a histogram on the same z axis, on the card of that layer's activation, with how many
 * z fall in its saturated and dead regions. Lecture 001's table of activations and their gradients can be
 * shown beside them, in the lecture's notation.
 */

import { fmt } from "../../format.js";
import { getJson } from "../shared/api.js";
import { tex } from "../shared/tex.js";
import { el, startView, textSize } from "../shared/view-frame.js";
import { activationTex, LECTURE_001, LECTURE_001_NOTES } from "./formulas.js";
import { countsText, figure, unitRows } from "./plots.js";

/** The activation of layer l (1..L) of the session's network: its override, the hidden one, the output's. */
function layerActivation(config, l, depth) {
  if (l === depth) return config.output_activation;
  return config.layer_activations?.[l - 1] ?? config.activation;
}

function lectureTable() {
  const wrap = el("div", "av-lecture");
  wrap.id = "av-lecture";
  wrap.hidden = true;
  wrap.append(el("h3", "av-subtitle", "Lecture 001: common activation functions"));
  const table = el("table", "av-table");
  const headRow = document.createElement("tr");
  for (const name of ["Name", "Function", "Gradient"]) headRow.append(el("th", "", name));
  table.append(headRow);
  for (const [name, g, dg] of LECTURE_001) {
    const row = document.createElement("tr");
    const cells = [el("td", "", name), el("td", ""), el("td", "")];
    tex(cells[1], g);
    tex(cells[2], dg);
    row.append(...cells);
    table.append(row);
  }
  const notes = el("ul", "av-notes");
  for (const text of LECTURE_001_NOTES) notes.append(el("li", "", text));
  wrap.append(table, notes);
  return wrap;
}

export function mount(root, store) {
  startView(root, "activations-view");
  const head = el("div", "av-head");
  const title = el("h2", "av-title", "Activations: g and g′");
  const layerLabel = el("label", "av-label", "z of layer");
  const layerSelect = el("select", "av-select");
  layerSelect.id = "av-layer";
  layerLabel.htmlFor = "av-layer";
  const tableButton = el("button", "av-button", "Lecture 001's table");
  tableButton.type = "button";
  tableButton.id = "av-table-button";
  tableButton.setAttribute("aria-pressed", "false");
  const key = el("span", "av-key");
  const satKey = el("span", "av-swatch av-swatch-saturated");
  const deadKey = el("span", "av-swatch av-swatch-dead");
  const satText = el("span", "", "saturated");
  key.append(satKey, satText, deadKey, el("span", "", "dead: g′ = 0"));
  head.append(title, layerLabel, layerSelect, tableButton, key);
  const error = el("p", "av-error");
  error.setAttribute("role", "alert");
  const lecture = lectureTable();
  const grid = el("div", "av-grid");
  root.append(head, error, lecture, grid);

  const Plotly = window.Plotly;
  const slope = store.get().meta?.limits?.leaky_relu_slope ?? 0.01;
  const texts = activationTex(slope);
  /** name → {card, plot, counts, units} */
  const cards = new Map();
  let curves = null;
  let report = null; // the chosen layer's pre-activations
  let asked = 0;
  let font = 12;
  let layerKey = "";
  let fetchedStep = null;
  let timer = null;
  const visible = () => store.get().view === "activations";

  function buildCards() {
    grid.replaceChildren();
    cards.clear();
    for (const entry of curves.activations) {
      const [name, g, dg] = texts[entry.name] ?? [entry.name, entry.formula, entry.derivative_formula];
      const card = el("section", "av-card");
      card.dataset.activation = entry.name;
      card.setAttribute("aria-label", name);
      const top = el("div", "av-card-head");
      top.append(el("h3", "av-name", name));
      const formulas = el("div", "av-formulas");
      formulas.title = `The engine: ${entry.formula}; ${entry.derivative_formula}`;
      const gBox = el("span", "av-formula");
      const dgBox = el("span", "av-formula");
      tex(gBox, g);
      tex(dgBox, dg);
      formulas.append(gBox, dgBox);
      top.append(formulas);
      const plot = el("div", "av-plot");
      const counts = el("p", "av-counts");
      const units = el("div", "av-units");
      card.append(top, counts, plot, units);
      if (!entry.elementwise) {
        plot.remove();
        card.append(el("p", "av-counts", "Not elementwise: each a_k depends on every z_j of the layer, so it has no single curve."));
      }
      grid.append(card);
      cards.set(entry.name, { card, plot, counts, units, entry });
    }
  }

  function chosenLayer() {
    return Number(layerSelect.value) || 1;
  }

  function draw() {
    if (!curves) return;
    font = textSize(grid);
    const featured = report?.activation ?? null;
    for (const [name, c] of cards) {
      const on = name === featured;
      c.card.classList.toggle("featured", on);
      if (on) grid.prepend(c.card);
      c.counts.textContent = on ? countsText(report, c.entry, chosenLayer()) : "";
      if (on) c.units.replaceChildren(...unitRows(report));
      else c.units.replaceChildren();
      if (!c.entry.elementwise || !Plotly) continue;
      const { traces, layout } = figure(curves, c.entry, on ? report : null, on ? font : font * 0.85);
      // The figure takes its box's size now (a presenter toggle or a new screen changed it).
      Object.assign(layout, { width: c.plot.clientWidth, height: c.plot.clientHeight });
      Plotly.react(c.plot, traces, layout, { displayModeBar: false, responsive: false, staticPlot: !on });
    }
    root.dataset.layer = report ? String(report.layer) : "";
    root.dataset.histogram = report ? String(report.examples * report.units) : "0";
  }

  function buildLayers(state) {
    const session = state.session;
    if (!session?.weights) return false;
    const depth = session.weights.length;
    const names = Array.from({ length: depth }, (_, i) => layerActivation(session.config, i + 1, depth));
    const next = `${session.id}|${names.join(",")}|${session.weights.map((w) => w.length).join(",")}`;
    if (next === layerKey) return false;
    layerKey = next;
    const keep = layerSelect.value;
    layerSelect.replaceChildren(
      ...names.map((name, i) => {
        const l = i + 1;
        const units = session.weights[i].length;
        const text = `${l}${l === depth ? " (output)" : ""}: ${name}, ${units} unit${units === 1 ? "" : "s"}`;
        return new Option(text, String(l));
      }),
    );
    layerSelect.value = Number(keep) >= 1 && Number(keep) <= depth ? keep : "1";
    return true;
  }

  async function fetchLayer() {
    const id = store.get().session?.id;
    if (!id) return;
    const mine = ++asked;
    const step = store.get().frame?.step ?? null;
    try {
      const answer = await getJson(`/api/sessions/${id}/preactivations?layer=${chosenLayer()}&half_width=${curves?.half_width ?? 6}`);
      if (mine !== asked) return;
      report = answer;
      fetchedStep = step;
      error.textContent = "";
      draw();
    } catch (err) {
      if (mine !== asked) return;
      error.textContent = err.message || String(err);
    }
  }

  async function start() {
    try {
      curves = await getJson("/api/activations");
    } catch (err) {
      error.textContent = err.message || String(err);
      return;
    }
    satText.textContent = `saturated: 0 < |g′| ≤ ${fmt(100 * curves.saturation_slope)} % of g′'s largest value`;
    buildCards();
    buildLayers(store.get());
    await fetchLayer();
  }

  layerSelect.addEventListener("change", () => fetchLayer());
  tableButton.addEventListener("click", () => {
    lecture.hidden = !lecture.hidden;
    tableButton.setAttribute("aria-pressed", String(!lecture.hidden));
  });
  store.subscribe(["session"], (state) => {
    if (buildLayers(state) && curves) fetchLayer();
  });
  // The network trains on: the histogram follows, at most once a second while this view is open.
  store.subscribe(["frame"], (state) => {
    if (!curves || !visible() || timer !== null || state.frame?.step === fetchedStep) return;
    timer = setTimeout(() => {
      timer = null;
      if (visible()) fetchLayer();
    }, 1000);
  });
  store.subscribe(["ui"], () => {
    requestAnimationFrame(() => {
      if (visible() && textSize(grid) !== font) draw();
    });
  });
  let resizing = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => {
      if (visible()) draw();
    }, 100);
  });

  let started = null;
  return {
    shown() {
      if (!started) started = start();
      else if (store.get().frame?.step !== fetchedStep) fetchLayer();
      else draw();
    },
  };
}
