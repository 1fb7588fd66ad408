/**
 * The Graph view (lectures 000 and 003): type an expression, or pick a lecture's, give its variables values,
 * and step through its computation graph: forward node by node (each value in order), then backward node by
 * node (each edge's upstream × local = downstream, each node's gradient, the gate it is), and at the end every
 * input's gradient. The numbers come from POST /api/graph; a refused expression is shown with its position.
 * Keys while the view is open: → or space step, ← back, r the start, e the end.
 */

import { button, h } from "../../controls/dom.js";
import { fmt } from "../../format.js";
import { getJson, postJson } from "../shared/api.js";
import { startView, textSize } from "../shared/view-frame.js";
import { drawGraph, plainName } from "./draw.js";
import { explain, put } from "./explain.js";
import { positions } from "./layout.js";
import { plan, stepState } from "./steps.js";

const DEBOUNCE_MS = 250;
const FIRST = { expression: "(x + y) * z", values: { x: -2, y: 5, z: -4 } };
const NUMBER_OR_NAME = /(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([\p{L}_][\p{L}\p{N}_]*)(\s*\()?/gu;

/** The names of `text` that look like variables (not numbers, not called), in order of first use. */
export function variablesOf(text, functions) {
  const names = [];
  for (const m of text.matchAll(NUMBER_OR_NAME)) {
    const name = m[2];
    if (name && !m[3] && !functions.has(name) && !names.includes(name)) names.push(name);
  }
  return names;
}

function typing(target) {
  return target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName));
}

export function mount(root, store) {
  startView(root, "graph-view");
  const expr = h("input", { id: "gv-expression", class: "gv-expression", type: "text", value: FIRST.expression, spellcheck: "false", autocomplete: "off", "aria-describedby": "gv-error", "data-field": "expression" });
  const picker = h("select", { id: "gv-example", "aria-label": "Lecture examples" }, h("option", { value: "" }, "Lecture examples…"));
  const fields = h("div", { id: "gv-values", class: "gv-values" });
  const error = h("div", { id: "gv-error", class: "gv-error", role: "alert", hidden: true });
  const phase = h("span", { id: "gv-phase", class: "gv-phase" });
  const stepButton = (id, label, title, fn) => button(label, title, fn, { id });
  const buttons = {
    reset: stepButton("gv-reset", "◀◀ Start", "Back to the start (r)", () => go(0)),
    back: stepButton("gv-back", "◀ Back", "One node back (←)", () => go(step - 1)),
    next: stepButton("gv-next", "Step ▶", "Next node (→ or space)", () => go(step + 1)),
    end: stepButton("gv-end", "End ▶▶", "All the way: every gradient (e)", () => go(Infinity)),
  };
  // Both may scroll (a large graph, long formulas): reachable by keyboard.
  const stage = h("div", { class: "gv-stage", tabindex: "0", role: "region", "aria-label": "The graph" });
  const picture = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  picture.id = "gv-svg";
  picture.setAttribute("role", "img");
  stage.append(picture);
  const heading = h("p", { id: "gv-heading", class: "gv-heading" });
  const lines = h("div", { id: "gv-explain", class: "gv-explain" });
  const grads = h("table", { id: "gv-grads", class: "gv-grads" });
  const legend = h("p", { class: "gv-legend" }, h("span", { class: "gv-legend-value" }, "blue"), ": the node's value; ", h("span", { class: "gv-legend-grad" }, "∂"), ": its gradient ∂f/∂(node).");
  const note = h("p", { class: "gv-note" }, "Conventions at a kink: relu′(0) = 0; max(a, b) on a tie a = b routes the gradient to a. A subexpression written twice is one node; its gradient sums its uses.");
  root.append(
    h("div", { class: "gv-top" },
      h("div", { class: "gv-line" }, h("label", { for: "gv-expression", class: "gv-f" }, "f ="), expr, picker),
      error,
      fields,
    ),
    h("div", { class: "gv-controls" }, buttons.reset, buttons.back, buttons.next, buttons.end, phase),
    h("div", { class: "gv-main" }, stage, h("aside", { class: "gv-side", tabindex: "0", "aria-label": "This step and the gradients" }, heading, lines, grads, legend, note)),
  );

  let functions = new Set(["exp", "log", "tanh", "sigmoid", "sigma", "σ", "relu", "max"]);
  let examples = [];
  const remembered = { ...FIRST.values };
  let graph = null;
  let steps = null;
  let step = 0;
  let shownExpression = null;
  let sequence = 0;
  let timer = 0;

  getJson("/api/graph/examples")
    .then((body) => {
      examples = body.examples;
      functions = new Set(body.functions);
      expr.maxLength = body.limits.max_chars;
      for (const ex of examples) picker.append(h("option", { value: ex.name, "data-example": ex.name }, ex.title));
    })
    .catch(() => {});

  picker.addEventListener("change", () => {
    const ex = examples.find((e) => e.name === picker.value);
    if (!ex) return;
    expr.value = ex.expression;
    Object.assign(remembered, ex.values);
    syncFields(true);
    request(true);
  });
  expr.addEventListener("input", () => {
    picker.value = "";
    syncFields(false);
    schedule();
  });
  expr.addEventListener("keydown", (e) => {
    if (e.key === "Enter") request(true);
  });

  /** One value field per variable of the expression (its last value kept, 1 for a new one). */
  function syncFields(fromExample) {
    const names = variablesOf(expr.value, functions);
    const current = new Map([...fields.querySelectorAll("input[data-var]")].map((i) => [i.dataset.var, i]));
    const rows = names.map((name) => {
      let input = current.get(name);
      if (!input || fromExample) {
        input = h("input", { id: `gv-value-${name}`, type: "number", step: "any", "data-var": name, value: String(remembered[name] ?? 1), oninput: () => { remembered[name] = Number(input.value); schedule(); } });
      }
      const problem = h("span", { class: "gv-field-error", "data-error-of": `values.${name}`, role: "alert" });
      return h("label", { class: "gv-value" }, h("span", { class: "gv-var" }, plainName(name)), " = ", input, problem);
    });
    fields.replaceChildren(...rows);
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(() => request(false), DEBOUNCE_MS);
  }

  function clearErrors() {
    error.hidden = true;
    error.replaceChildren();
    expr.removeAttribute("aria-invalid");
    for (const span of fields.querySelectorAll("[data-error-of]")) span.textContent = "";
  }

  /** A refused request: next to the field it names (the expression with its position marked). */
  function showError(err) {
    const first = Array.isArray(err.detail) ? err.detail[0] : null;
    const field = err.field ?? "";
    const span = fields.querySelector(`[data-error-of="${CSS.escape(field)}"]`);
    if (span) {
      span.textContent = err.message.replace(/^values\.[^:]*: /, "");
      return;
    }
    const text = expr.value;
    error.replaceChildren(h("span", { class: "gv-error-text" }, err.message));
    const at = first?.position;
    if (field === "expression" && Number.isInteger(at)) {
      const mark = h("mark", { class: "gv-mark", "data-position": String(at) }, text.slice(at, at + 1) || " ");
      error.append(h("code", { class: "gv-error-code" }, text.slice(0, at), mark, text.slice(at + 1)));
      expr.setAttribute("aria-invalid", "true");
      error.dataset.position = String(at);
    }
    error.hidden = false;
  }

  async function request(now) {
    clearTimeout(timer);
    const values = {};
    for (const input of fields.querySelectorAll("input[data-var]")) {
      if (input.value.trim() === "" || !Number.isFinite(Number(input.value))) {
        clearErrors();
        fields.querySelector(`[data-error-of="values.${CSS.escape(input.dataset.var)}"]`).textContent = "a number, please";
        return;
      }
      values[input.dataset.var] = Number(input.value);
    }
    const mine = ++sequence;
    try {
      const answer = await postJson("/api/graph", { expression: expr.value, values });
      if (mine !== sequence) return;
      clearErrors();
      delete root.dataset.stale;
      const same = shownExpression === answer.expression;
      graph = answer;
      steps = plan(graph);
      shownExpression = answer.expression;
      step = same && !now ? Math.min(step, steps.total) : 0;
      render();
    } catch (err) {
      if (mine !== sequence) return;
      clearErrors();
      showError(err);
      root.dataset.stale = "true"; // the graph drawn is the last one the server answered
    }
  }

  function go(s) {
    if (!steps) return;
    step = Math.max(0, Math.min(steps.total, s));
    render();
  }

  function render() {
    const ready = Boolean(graph);
    buttons.reset.disabled = buttons.back.disabled = !ready || step === 0;
    buttons.next.disabled = buttons.end.disabled = !ready || step >= steps.total;
    if (!ready) return;
    const st = stepState(graph, steps, step);
    root.dataset.step = String(step);
    root.dataset.phase = st.done ? "done" : st.phase;
    phase.textContent = st.done ? `Done: step ${step} of ${steps.total}` : `Step ${step} of ${steps.total}`;
    const w = Math.max(stage.clientWidth, 200);
    const hgt = Math.max(stage.clientHeight, 150);
    picture.setAttribute("aria-label", `Computation graph of f = ${graph.expression}`);
    drawGraph(picture, graph, positions(graph.nodes, w, hgt, textSize(stage)), st);
    const words = explain(graph, steps, st);
    heading.textContent = words.heading;
    lines.replaceChildren(
      ...words.lines.map((line) => {
        const formula = h("div", { class: "gv-formula" });
        put(formula, line.tex);
        const note = line.note ? h("div", { class: "gv-line-note" }, line.note) : null;
        if (note && line.local) {
          const local = h("span", { class: "gv-local" });
          put(local, line.local);
          note.append(" ", local);
        }
        return h("div", { class: "gv-step-line" }, formula, note);
      }),
    );
    renderGrads(st);
  }

  function renderGrads(st) {
    const rows = graph.nodes
      .filter((n) => n.op === "var")
      .map((n) => {
        const known = st.grads.has(n.id);
        const cell = h("td", { class: "gv-grad-of", "data-grad-of": n.label }, known ? fmt(n.grad) : "·");
        if (known) cell.dataset.raw = String(n.grad);
        const name = h("td", { class: "gv-grad-name" });
        put(name, `\\frac{\\partial f}{\\partial ${n.name}}`);
        return h("tr", { "data-var": n.label }, name, cell);
      });
    grads.dataset.done = String(st.done);
    grads.replaceChildren(h("caption", {}, st.done ? "Every input's gradient" : "Inputs' gradients (as backprop reaches them)"), ...rows);
  }

  document.addEventListener("keydown", (e) => {
    if (store.get().view !== "graph" || e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || store.get().dialog) return;
    const moves = { ArrowRight: step + 1, " ": step + 1, ArrowLeft: step - 1, r: 0, R: 0, e: Infinity, E: Infinity };
    if (!(e.key in moves) || (e.key === " " && e.target instanceof HTMLButtonElement)) return;
    e.preventDefault();
    go(moves[e.key]);
  });

  let presenter = Boolean(store.get().ui?.presenter);
  store.subscribe(["ui"], (s) => {
    if (Boolean(s.ui?.presenter) === presenter) return;
    presenter = Boolean(s.ui?.presenter);
    requestAnimationFrame(render);
  });
  new ResizeObserver(() => render()).observe(stage);
  syncFields(true);
  request(true);
  return { shown: render };
}
