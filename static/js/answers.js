/**
 * "Hide answers": a lecturer can keep the numbers of the phases not stepped yet off the screen, so the class
 * is asked before it sees them (lecture 004's h(x) = 0.489 stays hidden until the forward pass reaches the
 * output). The choice lives in `ui.hideAnswers` (toggled with H or the header's button, remembered in
 * localStorage under HIDE_ANSWERS_KEY). What counts as stepped is read off this iteration's records.
 *
 * A classroom question (state.question, classroom/) hides the value it asks for on every screen of the room,
 * whatever the choice, until the teacher reveals it (an output's question hides the loss too: ℓ gives ŷ away).
 */

export const HIDE_ANSWERS_KEY = "backprop-lab:hide-answers";

/** What is written in place of a hidden number. */
export const HIDDEN_TEXT = "?";

/** Whether answers are being hidden (by this page's choice, or, following a room, by the teacher's). */
export function hidingAnswers(state) {
  const room = state?.classroom;
  return Boolean(state?.ui?.hideAnswers || (room?.following && room.hideAnswers));
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

/** Whether an open, unrevealed question asks for one of `quantities` (of layer `layer`, when given). */
export function asked(state, quantities, layer) {
  const q = state?.question;
  return Boolean(q && !q.revealed && quantities.includes(q.quantity) && (layer === undefined || q.layer === layer));
}

/** Whether the activations and pre-activations of layer l (1..L) are hidden now. */
export function forwardHidden(state, l) {
  return (hidingAnswers(state) && l >= 1 && !forwardStepped(state, l)) || asked(state, ["z", "a", "output"], l);
}

/** Whether the δ of layer l are hidden now (a question asks for one of them). */
export function deltaHidden(state, l) {
  return asked(state, ["delta"], l);
}

/**
 * Whether the outputs ŷ at the current parameters are hidden: until this iteration's forward pass reaches the
 * output layer L, and again after its update (they are then the next iteration's answer).
 */
export function outputsHidden(state, L) {
  const open = hidingAnswers(state) && !(forwardStepped(state, L) && !phaseStepped(state, "update"));
  return open || asked(state, ["output"]);
}

/**
 * Whether the loss at the current parameters (the newest loss-curve point, its key, the header's losses, each
 * example's ℓ) is hidden: until this iteration's loss phase, and again after its update.
 */
export function lossHidden(state) {
  return hidingAnswers(state) && !(phaseStepped(state, "loss") && !phaseStepped(state, "update")) || asked(state, ["loss", "output"]);
}
