/**
 * The formula panel: for the selected neuron, weight or bias (default: a neuron of the layer being computed,
 * the output neuron otherwise) the current phase's equation in the lectures' notation with the traced
 * example's numbers substituted, the conventions in use, and the layer's matrices with their shapes.
 *
 * Renders HTML (sub/sup) by hand, fast enough to follow the frames; only the phase's headline equations
 * (headline.js) are typeset with KaTeX, once each. Stepping re-renders at once; while playing (no records) the
 * panel shows the current parameters and re-renders at most twice a second.
 */

import { effectiveBatch } from "../../fields.js";
import { fmt } from "../../format.js";
import { backwardNeuron, biasGradient, weightGradient } from "./backward.js";
import { forwardNeuron, inputNeuron, lossEquations } from "./forward.js";
import { fitPanel } from "./fit.js";
import { fillHeadline, headlineFormulas, headlinePlaceholder } from "./headline.js";
import { layerMatrices } from "./matrices.js";
import { LOSS_TEXT, activationOf, eq, esc, gName, note, num, sym } from "./terms.js";
import { updateEquations } from "./update.js";
import { currentRecords, indexRecords, phaseOf, sizesOf } from "../network/values.js";
import { el, startView } from "../shared/view-frame.js";
import { notationOf, weightConvention, weightSym } from "../shared/notation.js";

/** A button switching the weight notation (the help overlay has the same choice). */
function notationToggle(notation) {
  const other = notation === "columns" ? "rows" : "columns";
  const text = other === "columns" ? "write as w<sub>ij</sub> from i to j" : "write as W<sub>jk</sub> to j from k";
  return `<button type="button" class="mv-notation" data-notation="${other}" title="Switch how weights are written (also in the help, ?)">${text}</button>`;
}

/** While playing, at most one re-render per this many milliseconds. */
const IDLE_INTERVAL_MS = 500;

/** The newest parameters: the frame's when their shapes match the session's. */
function parameters(state) {
  const s = state.session;
  const f = state.frame;
  const same = (a, b) => Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((w, l) => w.length === b[l].length && w[0]?.length === b[l][0]?.length);
  if (f && same(f.weights, s?.weights)) return { weights: f.weights, biases: f.biases };
  return s ? { weights: s.weights, biases: s.biases } : null;
}

/** Is `sel` a neuron/weight/bias of this architecture? */
function validSelection(sel, sizes) {
  if (!sel || !Number.isInteger(sel.layer) || !Number.isInteger(sel.row)) return false;
  if (sel.layer < 0 || sel.layer >= sizes.length || sel.row < 0 || sel.row >= sizes[sel.layer]) return false;
  if (sel.kind === "weight") return sel.layer >= 1 && Number.isInteger(sel.col) && sel.col >= 0 && sel.col < sizes[sel.layer - 1];
  if (sel.kind === "bias") return sel.layer >= 1;
  return sel.kind === "neuron";
}

/** A phase name as the indicator says it. */
function phaseText(phase, L) {
  if (phase.kind === "idle") return "Between iterations";
  if (phase.kind === "loss") return "Loss";
  if (phase.kind === "update") return "Update";
  return `${phase.kind === "forward" ? "Forward" : "Backward"}, layer ${phase.layer} of ${L}`;
}

/** The name of a selection in the lectures' symbols. */
function focusName(sel, L, labels, notation) {
  const J = sel.row + 1;
  if (sel.kind === "weight") return `weight ${weightSym(notation, sel.layer, J, sel.col + 1)} (neuron ${sel.col + 1} of layer ${sel.layer - 1} → neuron ${J} of layer ${sel.layer})`;
  if (sel.kind === "bias") return `bias ${sym("b", sel.layer, J)}`;
  if (sel.layer === 0) return `input ${sym("x", null, J)} = ${esc(labels[sel.row] ?? "")}`;
  return `${sel.layer === L ? "output neuron" : "neuron"} ${sym("a", sel.layer, J)} (layer ${sel.layer}, neuron ${J})`;
}

/**
 * Mount the formula panel into `root` (#math-view).
 * @param {HTMLElement} root
 * @param {{get: Function, set: Function, subscribe: Function}} store
 */
export function mount(root, store) {
  startView(root, "math-view");
  const body = el("div", "mv-body");
  root.append(body);
  body.addEventListener("click", (e) => {
    const toggle = e.target.closest(".mv-notation");
    if (toggle) store.set({ ui: { ...store.get().ui, notation: toggle.dataset.notation } });
  });
  let timer = null;
  let last = 0;
  let lastHtml = "";
  /** What the panel shows (phase, focus) and its type (presenter): a new view starts at the top and is fitted. */
  let shownKey = "";

  function render() {
    timer = null;
    last = performance.now();
    const state = store.get();
    const html = build(state);
    const key = `${root.dataset.phase}|${root.dataset.layer}|${root.dataset.focus}|${Boolean(state.ui?.presenter)}`;
    if (html === lastHtml && key === shownKey) return;
    if (html !== lastHtml) {
      body.innerHTML = html;
      fillHeadline(body);
    }
    lastHtml = html;
    fitPanel(root, body);
    if (key !== shownKey) root.scrollTop = 0;
    shownKey = key;
  }

  // A new panel size: fit the content again.
  let fitted = "";
  new ResizeObserver((entries) => {
    const box = entries[entries.length - 1].contentRect;
    const size = `${Math.round(box.width)}x${Math.round(box.height)}`;
    if (size === fitted) return;
    fitted = size;
    if (lastHtml) fitPanel(root, body);
  }).observe(root);

  function build(state) {
    const params = parameters(state);
    const sizes = params ? sizesOf(params.weights) : null;
    if (!sizes) {
      delete root.dataset.phase;
      return '<p class="mv-note">Waiting for the network…</p>';
    }
    const L = sizes.length - 1;
    const config = state.session?.config ?? {};
    const idx = indexRecords(currentRecords(state, L));
    const phase = phaseOf(idx, L);
    const labels = state.session?.data?.feature_labels ?? [];
    const ctx = {
      L,
      sizes,
      config,
      idx,
      phase,
      featureLabels: labels,
      notation: notationOf(state),
      batchSize: effectiveBatch(config, state.session?.data),
      weightsUsed: (l) => (idx.update ? idx.update.weights_before[l - 1] : params.weights[l - 1]),
      biasesUsed: (l) => (idx.update ? idx.update.biases_before[l - 1] : params.biases[l - 1]),
    };
    const explicit = validSelection(state.selection, sizes);
    const sel = explicit
      ? state.selection
      : { kind: "neuron", layer: (phase.kind === "forward" || phase.kind === "backward") && phase.layer ? phase.layer : L, row: 0 };
    root.dataset.phase = phase.kind;
    if (phase.layer) root.dataset.layer = String(phase.layer);
    else delete root.dataset.layer;
    root.dataset.focus = `${sel.kind}:${sel.layer}:${sel.row}${sel.kind === "weight" ? `:${sel.col}` : ""}`;

    const head =
      `<div class="mv-head"><span class="mv-phase">${esc(phaseText(phase, L))}</span>` +
      `<span class="mv-focus">${focusName(sel, L, labels, ctx.notation)}${explicit ? "" : ' <span class="mv-default">(default; click a neuron or weight to choose)</span>'}</span></div>`;
    const q = state.question;
    if (q && !q.revealed && q.phase === phase.kind && (q.phase === "loss" || q.layer === phase.layer)) {
      // A classroom question asks for a number this phase shows: it stays off every screen until revealed.
      return `${head}<p class="mv-note mv-asked">Hidden while the class predicts ${esc(q.label)}: the formula and its numbers come back when the teacher reveals the answer.</p>`;
    }
    const equations = `<div class="mv-eqs">${equationsFor(ctx, sel, params)}</div>`;
    const matLayer = phase.kind === "forward" || phase.kind === "backward" ? phase.layer : phase.kind === "loss" ? L : Math.max(1, sel.layer);
    const mats = layerMatrices(ctx, matLayer, sel, headlinePlaceholder(headlineFormulas(ctx, matLayer), esc));
    return `${head}<div class="mv-cols"><div>${equations}${conventions(ctx, state)}</div>${mats}</div>`;
  }

  function schedule() {
    if (timer !== null) return;
    const state = store.get();
    const stepping = (state.records ?? []).length > 0;
    const wait = stepping ? 0 : Math.max(0, last + IDLE_INTERVAL_MS - performance.now());
    if (wait === 0) render();
    else timer = setTimeout(render, wait);
  }

  store.subscribe(["records", "selection", "session", "example", "ui", "question"], () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    render();
  });
  store.subscribe(["frame"], schedule);
  render();
}

/** The equations for `sel` in the current phase. */
function equationsFor(ctx, sel, params) {
  const { phase, L } = ctx;
  const l = sel.layer;
  const j = sel.row;
  if (phase.kind === "loss") return lossEquations(ctx);
  if (phase.kind === "update") return updateEquations(ctx, sel);
  if (phase.kind === "backward") {
    if (l === 0) {
      const rec = ctx.idx.backward[1];
      return rec
        ? eq(`∂ℓ/∂${sym("x", null, j + 1)}`, `Σ<sub>i</sub> ${weightSym(ctx.notation, 1, "i", j + 1)} ${sym("δ", 1, "i")}`, `<b>${num(rec.example.grad_input[j])}</b>`) +
            note("Inputs have no δ and no parameters; this is how the loss would change with the input.")
        : note("Inputs have no δ; the backward pass ends at layer 1.");
    }
    if (sel.kind === "weight") return weightGradient(ctx, l, j, sel.col);
    if (sel.kind === "bias") return biasGradient(ctx, l, j) || backwardNeuron(ctx, l, j);
    return backwardNeuron(ctx, l, j);
  }
  if (l === 0) return inputNeuron(ctx, j);
  let html = "";
  if (sel.kind === "weight") {
    html += eq(weightSym(ctx.notation, l, j + 1, sel.col + 1), `<b>${num(params.weights[l - 1][j][sel.col])}</b>`);
  } else if (sel.kind === "bias") {
    html += eq(sym("b", l, j + 1), `<b>${num(params.biases[l - 1][j])}</b>`);
  }
  html += forwardNeuron(ctx, l, j, sel.kind === "weight" ? sel.col : null);
  if (phase.kind === "idle") {
    html += note("Between iterations (and while playing) the panel shows the current parameters; step a phase (→) to see the traced example's numbers.");
  }
  return html;
}

/** The conventions in use, stated once. */
function conventions(ctx, state) {
  const c = ctx.config;
  const loss = LOSS_TEXT[c.loss];
  const B = ctx.idx.last?.batch?.length ?? ctx.batchSize;
  const acts = [];
  for (let l = 1; l <= ctx.L; l++) acts.push(gName(activationOf(c, l, ctx.L)));
  const reg = c.regularization && c.regularization !== "none" ? `; ${c.regularization.toUpperCase()} regularisation on weights only, λ = ${num(c.regularization_rate)}` : "";
  const eta = c.learning_rate === undefined ? "" : `; η = ${num(c.learning_rate)} (${esc(c.optimizer ?? "sgd")})`;
  const ex = state.example;
  return (
    '<div class="mv-conventions">' +
    `<span>Loss: ${loss ? loss.convention : esc(c.loss ?? "")}; L = (1/B) Σ<sub>i</sub> ℓ<sub>i</sub>, the mean over the batch (B = ${esc(fmt(B))})${reg}${eta}.</span> ` +
    `<span>${weightConvention(ctx.notation)} ${notationToggle(ctx.notation)}; g per layer: ${esc(acts.join(", "))}; traced example #${esc(String(ex))}.</span>` +
    "</div>"
  );
}
