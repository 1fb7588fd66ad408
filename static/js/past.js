/**
 * Where the page stands in the run's recorded history: the step shown, the latest recorded step, whether
 * that is "in the past" (an earlier step than the latest), and the words the page uses for it.
 */

import { fmtInt } from "./format.js";

/** {step, first, latest} of the run as the page knows it now (the newest frame first). */
export function position(s) {
  const t = s.timeline;
  const step = s.frame?.step ?? t?.step ?? s.session?.step ?? 0;
  const latest = Math.max(t?.latest ?? step, step);
  return { step, first: t?.first ?? 0, latest };
}

/** True while the page shows an earlier step than the run's latest recorded one. */
export function inPast(s) {
  const { step, latest } = position(s);
  return step < latest;
}

/** "steps 13–40" (or "step 40") of the history after the current step. */
export function laterSteps(s) {
  const { step, latest } = position(s);
  return latest === step + 1 ? `step ${fmtInt(latest)}` : `steps ${fmtInt(step + 1)}–${fmtInt(latest)}`;
}

/** Ask the page to send a message (main.js forwards it through the guard to the socket). */
export function request(msg) {
  document.dispatchEvent(new CustomEvent("bl:send", { detail: msg }));
}

/** Jump to step k of the recorded run: forward steps from there ask first (replay, continue or branch). */
export function seek(store, step) {
  if (store.get().replay) store.set({ replay: false });
  request({ type: "seek", step });
}

/** Open the branch dialog for a new run from `step` (reason "branch", or "sibling" from step 0). */
export function openBranch(store, step, reason = "branch", extra = {}) {
  store.set({ dialog: { kind: "branch", step, reason, ...extra } });
}
