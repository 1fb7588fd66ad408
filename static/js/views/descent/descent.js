/**
 * The "Descent" view: gradient descent on a 2-D function f(x, y) (lecture 002). Pick or type f, set the start
 * (fields or a click on the contour), choose η on a log slider or with lecture 002's rates 0.1, 0.001 and
 * 0.665757, then step or play the path x_{t+1} = x_t − η∇f(x_t) over f's contour. The update is written out
 * with its numbers; for a quadratic f the factors 1 − ηλ_i, the threshold 2/λ_max and the verdict
 * (converges / crawls / oscillates / diverges) are shown with the rule that decided.
 *
 * Everything is computed by the server (POST /api/descent for the path and analysis, POST
 * /api/descent/contour for the grid; the presets from GET /api/descent/functions); this view only draws.
 * The root carries `data-verdict`, `data-step`, `data-steps` (points in the path − 1) and `data-stopped`
 * (the step it stopped at, or "") for tests.
 */

import { getJson, postJson } from "../shared/api.js";
import { el, startView, textSize } from "../shared/view-frame.js";
import { buildControls } from "./controls.js";
import { writeAnalysis, writeUpdate } from "./explain.js";
import { createPlot } from "./plot.js";

const PLAY_TICK_MS = 120;
const DEFAULT_BOX = [-5, 5, -5, 5];

/** A request runner that keeps at most one call in flight; a call made meanwhile runs next (the latest). */
function latestOnly(run) {
  let busy = false;
  let queued = null;
  return async function call(arg) {
    if (busy) {
      queued = { arg };
      return;
    }
    busy = true;
    try {
      await run(arg);
    } finally {
      busy = false;
      if (queued) {
        const next = queued.arg;
        queued = null;
        call(next);
      }
    }
  };
}

/** The field a 422 names ("function", "start", "learning_rate", "steps", "box") and its message. */
function refusal(err) {
  const first = Array.isArray(err?.detail) ? err.detail[0] : null;
  const field = first?.loc?.[1] ?? null;
  return { field: typeof field === "string" ? field : null, text: first?.msg ?? String(err?.message ?? err) };
}

/**
 * Mount the view into `root` (#view-descent).
 * @param {HTMLElement} root
 * @param {{get: Function, set: Function, subscribe: Function}} store
 */
export function mount(root, store) {
  startView(root, "descent-view");
  const plotEl = el("div", "dv-plot");
  plotEl.id = "descent-plot";
  const side = el("div", "dv-side");
  const controlsEl = el("div", "dv-controls-panel");
  const math = el("div", "dv-math");
  const updateHead = el("h3", "dv-head", "The step");
  const update = el("div", "dv-update");
  update.id = "descent-update";
  const stopped = el("p", "dv-stopped");
  stopped.id = "descent-stopped";
  stopped.hidden = true;
  const quadHead = el("h3", "dv-head", "Per-step factors");
  const hessian = el("div", "dv-hessian");
  hessian.id = "descent-hessian";
  const factors = el("div", "dv-factors");
  factors.id = "descent-factors";
  const threshold = el("div", "dv-threshold");
  threshold.id = "descent-threshold";
  const verdictRow = el("p", "dv-verdict-row");
  const verdict = el("strong", "dv-verdict");
  verdict.id = "descent-verdict";
  const rule = el("span", "dv-rule");
  rule.id = "descent-rule";
  verdictRow.append(verdict, rule);
  math.append(updateHead, update, stopped, quadHead, hessian, factors, threshold, verdictRow);
  side.append(controlsEl, math);
  root.append(plotEl, side);
  root.dataset.step = "0";
  root.dataset.steps = "0";
  root.dataset.verdict = "";
  root.dataset.stopped = "";

  const request = { function: "", start: [0, 0], learning_rate: 0.1, steps: 0 };
  let box = DEFAULT_BOX;
  let result = null;
  let t = 0;
  let timer = null;
  let controls = null;
  let contourOf = null; // the function the contour shows
  const plot = createPlot(plotEl, (x, y) => {
    if (!controls) return;
    change({ start: controls.setStart(x, y) });
  });
  if (!plot.available) plotEl.textContent = "The plotting library did not load, so the contour cannot be drawn.";

  function last() {
    return result ? result.path.length - 1 : 0;
  }

  function show() {
    const n = last();
    t = Math.min(t, n);
    root.dataset.step = String(t);
    controls?.setTransport(t, n, timer !== null);
    if (!result) return;
    plot.setPath(result.path, t, result.quadratic?.stationary_point ?? null);
    writeUpdate(update, result, t);
  }

  function analyse() {
    const q = result?.quadratic ?? null;
    quadHead.hidden = !q;
    writeAnalysis({ hessian, factors, threshold, verdict, rule }, q, request.learning_rate, result?.stopped ?? null);
    root.dataset.verdict = verdict.dataset.verdict ?? "";
    const s = result?.stopped ?? null;
    stopped.hidden = !s;
    stopped.textContent = s ? `The path stopped: ${s.reason}.` : "";
    root.dataset.stopped = s ? String(s.step) : "";
  }

  const loadContour = latestOnly(async (fn) => {
    try {
      const grid = await postJson("/api/descent/contour", { function: fn, box });
      contourOf = fn;
      plot.setGrid(grid, box);
      show();
    } catch (err) {
      controls?.showError("function", refusal(err).text);
    }
  });

  const loadPath = latestOnly(async (body) => {
    try {
      const reply = await postJson("/api/descent", body);
      controls?.clearErrors();
      result = reply;
      // the contour follows once the function is known to parse
      if (reply.function !== contourOf) loadContour(reply.function);
      root.dataset.steps = String(reply.path.length - 1);
      analyse();
      show();
    } catch (err) {
      const { field, text } = refusal(err);
      controls?.showError(field ?? "function", text);
    }
  });

  function stop() {
    if (timer !== null) clearInterval(timer);
    timer = null;
    show();
  }

  /** A changed request (function, start, η, steps): the path is asked for again and replayed from t. */
  function change(partial) {
    if ("preset" in partial) {
      const preset = meta?.functions.find((p) => p.name === partial.preset);
      if (preset) box = preset.box;
      controls?.setPreset(partial.preset);
    }
    const { preset: _ignored, ...fields } = partial;
    Object.assign(request, fields);
    if ("function" in fields || "start" in fields) t = 0;
    loadPath({ ...request });
  }

  function transport(action) {
    const n = last();
    if (action === "reset") t = 0;
    if (action === "back") t = Math.max(0, t - 1);
    if (action === "step") t = Math.min(n, t + 1);
    if (action === "end") t = n;
    if (action === "play") {
      if (timer !== null) return stop();
      if (t >= n) t = 0;
      timer = setInterval(() => {
        t = Math.min(last(), t + (controls?.speed() ?? 1));
        if (t >= last()) stop();
        else show();
      }, PLAY_TICK_MS);
    }
    if (action !== "play") stop();
    show();
  }

  let meta = null;
  getJson("/api/descent/functions")
    .then((reply) => {
      meta = reply;
      const first = reply.functions[0];
      Object.assign(request, { function: first.function, start: first.start, learning_rate: first.learning_rate, steps: first.steps });
      box = first.box;
      controls = buildControls(controlsEl, reply, request, { onChange: change, onTransport: transport });
      controls.setPreset(first.name);
      controls.setEta(first.learning_rate, false);
      plot.resize(textSize(plotEl));
      change({});
    })
    .catch((err) => {
      controlsEl.textContent = `The preset functions could not be loaded: ${err?.message ?? err}`;
    });

  // The stepping keys are this view's while it is open (view-tabs.js: viewOwnsKeys): space plays or pauses,
  // → steps, ← goes back one step, r resets; not while typing in a field.
  const KEYS = { " ": "play", ArrowRight: "step", ArrowLeft: "back", r: "reset", R: "reset" };
  document.addEventListener("keydown", (e) => {
    if (store.get().view !== "descent" || !(e.key in KEYS) || e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target;
    if (target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName))) return;
    if (target instanceof HTMLElement && (target.closest("[role=tablist]") || (e.key === " " && target.tagName === "BUTTON"))) return;
    e.preventDefault();
    transport(KEYS[e.key]);
  });

  let presenter = store.get().ui?.presenter;
  store.subscribe(["ui"], (s) => {
    if (s.ui?.presenter === presenter) return;
    presenter = s.ui?.presenter;
    requestAnimationFrame(() => plot.resize(textSize(plotEl)));
  });
  window.addEventListener("resize", () => {
    if (root.offsetParent !== null) plot.resize(textSize(plotEl));
  });

  return {
    shown() {
      plot.resize(textSize(plotEl));
    },
  };
}
