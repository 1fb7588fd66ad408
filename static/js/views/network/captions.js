/**
 * The network view's legend texts that depend on the phase (what the dots and the second edge channel show,
 * and why an edge changes colour from backward to update), and the "hide answers" hook: activations of layers
 * the forward pass has not reached in this iteration are left out of the model before it is painted.
 */

import { deltaHidden, forwardHidden, lossHidden } from "../../answers.js";

/** The dots' legend: the traced example's activation, from this iteration's forward pass in the update phase. */
export function dotLegend(model) {
  if (model.approx) return "dot: activation a (read off its map while playing)";
  if (model.phase.kind === "update") return "dot: activation a (forward pass, before the update)";
  return "dot: activation a";
}

/**
 * The second edge channel's legend: ∂L/∂W while going backward, ΔW in the update. With plain SGD ΔW = −η ∂L/∂W:
 * the opposite sign, so an edge drawn green (−) as a gradient turns wine (+) as an update, and the reverse.
 * @returns {{name: string, title: string}}
 */
export function edgeLegend(overlay, optimizer) {
  if (overlay?.name === "ΔW") {
    const sgd = !optimizer || optimizer === "sgd";
    return {
      name: sgd ? "ΔW = −η·∂L/∂W, so colours flip" : "ΔW, against ∂L/∂W: colours flip",
      title: sgd
        ? "The update moves each weight against its gradient: ΔW = −η ∂L/∂W has the opposite sign of ∂L/∂W, so an edge that was green (−) in the backward pass is wine (+) now, and the reverse."
        : "The update moves each weight by the optimiser's step, which points against the (averaged) gradient: its sign is usually the opposite of ∂L/∂W's, so edges change colour from backward to update.",
    };
  }
  return {
    name: "∂L/∂W",
    title: "The gradient of the loss with respect to each weight (backward pass). The update then moves the weight against it (ΔW = −η ∂L/∂W with SGD), so the colour flips in the update phase.",
  };
}

/**
 * With "hide answers" on, the traced example's a and z of every layer the forward pass has not reached in this
 * iteration are removed from `model` (nothing is written, the dot stays white).
 */
export function hideUnstepped(model, state) {
  const hidden = (l) => forwardHidden(state, l);
  model.a = model.a.map((row, l) => (hidden(l) ? null : row));
  model.z = model.z.map((row, l) => (hidden(l) ? null : row));
  model.hiddenDeltas = new Set(model.z.map((_, l) => l).filter((l) => deltaHidden(state, l)));
  model.lossHidden = lossHidden(state);
}
