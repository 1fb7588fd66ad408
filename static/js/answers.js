/**
 * "Hide answers": a lecturer can keep the numbers of the phases not stepped yet off the screen, so the class
 * is asked before it sees them (lecture 004's h(x) = 0.489 stays hidden until the forward pass reaches the
 * output). The choice lives in `ui.hideAnswers` (toggled with H or the header's button, remembered in
 * localStorage under HIDE_ANSWERS_KEY). What counts as stepped is read off this iteration's records.
 */

export const HIDE_ANSWERS_KEY = "backprop-lab:hide-answers";

/** What is written in place of a hidden number. */
export const HIDDEN_TEXT = "?";

/** Whether answers are being hidden. */
export function hidingAnswers(state) {
  return Boolean(state?.ui?.hideAnswers);
}

function recordsOf(state) {
  return Array.isArray(state?.records) ? state.records : [];
}

/** Whether this iteration's forward pass through layer l has been stepped. */
function forwardStepped(state, l) {
  return recordsOf(state).some((r) => r.phase === "forward" && r.layer === l);
}

function phaseStepped(state, phase) {
  return recordsOf(state).some((r) => r.phase === phase);
}

/** Whether the activations and pre-activations of layer l (1..L) are hidden now. */
export function forwardHidden(state, l) {
  return hidingAnswers(state) && l >= 1 && !forwardStepped(state, l);
}

/**
 * Whether the outputs ŷ at the current parameters are hidden: until this iteration's forward pass reaches the
 * output layer L, and again after its update (they are then the next iteration's answer).
 */
export function outputsHidden(state, L) {
  return hidingAnswers(state) && !(forwardStepped(state, L) && !phaseStepped(state, "update"));
}

/**
 * Whether the loss at the current parameters (the newest loss-curve point, its key, the header's losses, each
 * example's ℓ) is hidden: until this iteration's loss phase, and again after its update.
 */
export function lossHidden(state) {
  return hidingAnswers(state) && !(phaseStepped(state, "loss") && !phaseStepped(state, "update"));
}
