/**
 * Compare two runs of a family (this run and its parent, a branch or a sibling): both loss curves overlaid
 * on one figure, named by the setting that tells them apart, with the branch point marked; below, both
 * decision boundaries side by side at one step, chosen with the dialog's own slider (at first the current
 * step, clipped to both runs). Opened by the timeline's Compare button (store `dialog` {kind: "compare",
 * other}); the runs' states and boundaries come over REST, so neither run moves.
 */

import { fmt, fmtInt, fmtPercent } from "../../format.js";
import { modal } from "../../controls/modal.js";
import { el, startView, textSize } from "../shared/view-frame.js";
import { RUN_COLORS, branchStep, drawCurves, legends, roleOf } from "./curves.js";
import { drawBoundary } from "./pair.js";

/** Boundaries are fetched at most this often while the step slider moves (ms). */
const FETCH_INTERVAL_MS = 250;

async function getJson(url) {
  const res = await fetch(url);
  if (!res.ok) {
    let detail = "";
    try {
      const body = await res.json();
      detail = Array.isArray(body.detail) ? body.detail.map((d) => d.msg).join("; ") : String(body.detail ?? "");
    } catch {
      detail = res.statusText;
    }
    throw new Error(`${url.split("?")[0]}: HTTP ${res.status} ${detail}`);
  }
  return res.json();
}

/**
 * Mount the compare dialog into `root` (#compare-overlay).
 * @param {HTMLElement} root
 * @param {{get: Function, set: Function, subscribe: Function}} store
 */
export function mount(root, store) {
  startView(root, "compare-view");
  const title = el("h2", "cv-title", "Compare runs");
  title.id = "compare-title";
  const close = el("button", "cv-close", "Close");
  close.type = "button";
  close.id = "compare-close";
  close.title = "Close (Esc)";
  close.addEventListener("click", () => store.set({ dialog: null }));
  const head = el("div", "cv-head");
  head.append(title, close);
  const plot = el("div", "cv-plot");
  plot.id = "compare-plot";
  const panes = [0, 1].map((i) => {
    const pane = el("figure", "cv-run");
    const caption = el("figcaption", "cv-caption");
    const swatch = el("i", "cv-swatch");
    swatch.style.background = RUN_COLORS[i];
    const name = el("span", "cv-name");
    const numbers = el("span", "cv-numbers");
    caption.append(swatch, name, numbers);
    const canvas = el("canvas", "cv-boundary");
    canvas.setAttribute("role", "img");
    pane.append(caption, canvas);
    return { pane, name, numbers, canvas, reply: null };
  });
  panes[0].pane.id = "compare-run-a";
  panes[1].pane.id = "compare-run-b";
  const pair = el("div", "cv-pair");
  pair.append(panes[0].pane, panes[1].pane);
  const stepLabel = el("label", "cv-step-label", "Step");
  const slider = el("input", "cv-step");
  Object.assign(slider, { type: "range", id: "compare-step", min: "0", max: "0", step: "1", value: "0" });
  stepLabel.htmlFor = "compare-step";
  const stepOut = el("output", "cv-step-value");
  stepOut.id = "compare-step-value";
  const status = el("p", "cv-status");
  status.setAttribute("role", "status");
  const controls = el("div", "cv-controls");
  controls.append(stepLabel, slider, stepOut);
  const card = el("div", "dialog-card compare-card");
  card.append(head, plot, controls, pair, status);
  root.append(card);

  /** The two runs' states (a: this run, b: the other), the step compared, and what is being fetched. */
  let runs = null;
  let step = 0;
  let asked = 0;
  let fetchTimer = null;
  let fetchedAt = -Infinity;

  async function load(otherId) {
    const s = store.get();
    const a = s.session;
    status.textContent = "Loading both runs…";
    runs = null;
    const token = ++asked;
    try {
      const [stateA, stateB] = await Promise.all([getJson(`/api/sessions/${encodeURIComponent(a.id)}`), getJson(`/api/sessions/${encodeURIComponent(otherId)}`)]);
      if (token !== asked) return;
      const parentOf = (st) => st.parent ?? st.timeline?.parent ?? null;
      const A = { ...stateA, parent: parentOf(stateA) };
      const B = { ...stateB, parent: parentOf(stateB) };
      const [la, lb] = legends(A, B, ["this run", roleOf(A, B)]);
      runs = [
        { state: A, name: la, history: A.history ?? [], latest: A.timeline?.latest ?? A.step ?? 0 },
        { state: B, name: lb, history: B.history ?? [], latest: B.timeline?.latest ?? B.step ?? 0 },
      ];
      const max = Math.min(runs[0].latest, runs[1].latest);
      const current = s.frame?.step ?? A.step ?? 0;
      step = Math.max(0, Math.min(current, max));
      slider.max = String(max);
      slider.value = String(step);
      slider.disabled = max <= 0;
      panes.forEach((p, i) => {
        p.name.textContent = runs[i].name;
        p.canvas.setAttribute("aria-label", `Decision boundary of ${runs[i].name}`);
      });
      status.textContent = "";
      showStep();
      fetchBoundaries();
    } catch (err) {
      if (token === asked) status.textContent = `Could not load the runs: ${err.message ?? err}`;
    }
  }

  function showStep() {
    stepOut.textContent = `${fmtInt(step)} of ${fmtInt(Number(slider.max))}`;
    slider.setAttribute("aria-valuetext", `step ${fmtInt(step)}`);
    if (runs) drawCurves(plot, runs, branchStep(runs[0].state, runs[1].state), step, textSize(plot));
  }

  async function fetchBoundaries() {
    fetchTimer = null;
    fetchedAt = performance.now();
    if (!runs) return;
    const k = step;
    const token = asked;
    await Promise.all(
      runs.map(async (r, i) => {
        const p = panes[i];
        try {
          p.reply = await getJson(`/api/sessions/${encodeURIComponent(r.state.id)}/boundary?step=${k}`);
          if (token !== asked || k !== step) return;
          const m = p.reply.metrics ?? {};
          const acc = m.train_accuracy !== null && m.train_accuracy !== undefined ? ` · accuracy ${fmtPercent(m.train_accuracy)}` : "";
          p.numbers.textContent = ` — step ${fmtInt(k)}: loss ${fmt(m.train_loss)} train, ${fmt(m.test_loss)} test${acc}`;
        } catch (err) {
          p.reply = null;
          p.numbers.textContent = ` — ${err.message ?? err}`;
        }
        drawBoundary(p.canvas, p.reply, { session: r.state });
      }),
    );
    root.dataset.step = String(k);
  }

  slider.addEventListener("input", () => {
    step = Number(slider.value);
    showStep();
    const wait = fetchedAt + FETCH_INTERVAL_MS - performance.now();
    if (fetchTimer !== null) return;
    if (wait <= 0) fetchBoundaries();
    else fetchTimer = setTimeout(fetchBoundaries, wait);
  });

  new ResizeObserver(() => {
    if (!runs || root.hidden) return;
    if (window.Plotly && plot.data) window.Plotly.Plots.resize(plot);
    panes.forEach((p, i) => drawBoundary(p.canvas, p.reply, { session: runs[i].state }));
  }).observe(pair);

  let shownFor = null;
  modal(root, store, "compare", {
    focus: () => close,
    render(d) {
      const key = `${store.get().session?.id}|${d.other}`;
      if (key === shownFor) return;
      shownFor = key;
      load(d.other);
    },
  });
  store.subscribe(["dialog"], (s) => {
    if (s.dialog?.kind !== "compare") shownFor = null;
  });
}
