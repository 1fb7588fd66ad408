/**
 * The bar that says the page shows the past: "Viewing step k — the run goes on to step n", with Back to
 * latest (seek the latest step), Continue from here (discard the later steps) and Branch from here (the
 * branch dialog). It is a row of the controls (presenter mode shows it too), hidden at the latest step.
 */

import { fmtInt } from "../format.js";
import { inPast, laterSteps, openBranch, position, request, seek } from "../past.js";
import { button, h, setText } from "./dom.js";

/**
 * The bar, kept in sync with the store.
 * @param {{get: Function, set: Function, subscribe: Function}} store
 * @returns {HTMLElement}
 */
export function pastBar(store) {
  const text = h("strong", { id: "past-text", class: "past-text" });
  const latest = button("Back to latest", "Jump to the run's latest step", () => seek(store, position(store.get()).latest), { id: "btn-latest" });
  const cont = button("Continue from here", "", () => request({ type: "continue" }), { id: "btn-continue" });
  const branch = button("Branch from here", "", () => openBranch(store, position(store.get()).step), { id: "btn-branch-here" });
  const bar = h("div", { id: "past-banner", class: "bar bar-past", role: "status", hidden: true }, text, h("span", { class: "past-actions" }, latest, cont, branch));

  store.subscribe(["frame", "timeline", "session"], (s) => {
    const past = inPast(s);
    if (bar.hidden === past) {
      bar.hidden = !past;
      document.body.classList.toggle("in-past", past);
    }
    if (!past) return;
    const { step, latest: n } = position(s);
    setText(text, `Viewing step ${fmtInt(step)} — the run goes on to step ${fmtInt(n)}`);
    cont.title = `Train on from step ${fmtInt(step)}: ${laterSteps(s)} are discarded`;
    branch.title = `A new run from step ${fmtInt(step)} with other settings; this run is kept`;
    cont.setAttribute("aria-label", `Continue from here (discard ${laterSteps(s)})`);
  });
  return bar;
}
