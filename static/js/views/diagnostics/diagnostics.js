/**
 * The Diagnostics view (lectures 001–003): the current session's gradient norm per layer over its steps
 * (plotly, log y: the vanishing gradient), dead ReLU and saturated units per layer, groups of identical units
 * (zero initialisation's symmetry) with the rows of W^l, and the gradient check with its verdict.
 *
 * The norms come with the loss curve (store key `history`, each point's `grad_norms`: ‖∂L/∂W^l‖ of the batch
 * gradient that step's last update used), so they follow seeks, replays and restarts as the curve does. The
 * per-layer counts are GET /api/sessions/{id}/diagnostics, asked again (one request at a time, at most every
 * REFRESH_MS) while the view is visible and the step changes.
 */

import { el, startView } from "../shared/view-frame.js";
import { getJson } from "../shared/api.js";
import { normsPlot } from "./norms.js";
import { layerTable, symmetryRows } from "./tables.js";
import { gradcheckPanel } from "./gradcheck.js";

const REFRESH_MS = 500;

export function mount(root, store) {
  startView(root, "diag-view");
  const head = el("div", "diag-head");
  const title = el("h2", "diag-title", "Diagnostics");
  const where = el("span", "diag-where");
  head.append(title, where);

  const normsBox = el("div", "diag-box diag-norms");
  const countsBox = el("div", "diag-box diag-counts");
  const symmetryBox = el("div", "diag-box diag-symmetry");
  const checkBox = el("div", "diag-box diag-check");
  root.append(head, normsBox, countsBox, symmetryBox, checkBox);

  const plot = normsPlot(normsBox);
  const check = gradcheckPanel(checkBox, store);
  const visible = () => store.get().view === "diagnostics";
  let inFlight = false;
  let askedStep = null;
  let askedId = null;
  let timer = null;
  let lastAsk = 0;

  function sessionId(state) {
    return state.session?.id ?? null;
  }

  async function refresh() {
    timer = null;
    const state = store.get();
    const id = sessionId(state);
    if (!visible() || !id || inFlight) return;
    const step = state.frame?.step ?? state.session?.step ?? 0;
    if (id === askedId && step === askedStep && root.dataset.loaded === "1") return;
    inFlight = true;
    lastAsk = performance.now();
    askedId = id;
    askedStep = step;
    try {
      const reply = await getJson(`/api/sessions/${encodeURIComponent(id)}/diagnostics`);
      if (sessionId(store.get()) !== id) return;
      draw(reply);
      root.dataset.loaded = "1";
    } catch (err) {
      countsBox.replaceChildren(el("p", "diag-error", `The diagnostics could not be read: ${err.message}`));
    } finally {
      inFlight = false;
      schedule();
    }
  }

  function schedule() {
    if (timer !== null || !visible()) return;
    const wait = Math.max(0, REFRESH_MS - (performance.now() - lastAsk));
    timer = setTimeout(refresh, wait);
  }

  function draw(reply) {
    const state = store.get();
    where.textContent = `step ${reply.step} · over the ${reply.examples} training examples`;
    root.dataset.step = String(reply.step);
    countsBox.replaceChildren(...layerTable(reply));
    symmetryBox.replaceChildren(...symmetryRows(reply, state));
  }

  store.subscribe(["history", "session"], (s) => {
    if (visible()) plot.update(s);
  });
  store.subscribe(["frame", "session"], (s) => {
    if (sessionId(s) !== askedId) check.clear();
    schedule();
  });
  store.subscribe(["ui"], (s) => {
    if (visible()) {
      plot.update(s, true);
      askedStep = null;
      schedule();
    }
  });

  return {
    shown() {
      if (store.get().gradcheckAsked) check.run().then(() => store.set({ gradcheckAsked: false }));
      plot.update(store.get(), true);
      askedStep = null;
      schedule();
    },
  };
}
