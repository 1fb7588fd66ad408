/**
 * Formula panel, dropout (lecture 003): a = m ⊙ g(z)/(1 − p) in the forward phase and δ through the same
 * mask and scale in the backward phase, with the traced example's numbers (its mask from the records).
 */

import { eq, factor, gName, note, num, sym } from "./terms.js";

/** Whether the traced example's forward values at this layer carry a dropout mask. */
export function hasMask(fwdExample) {
  return Array.isArray(fwdExample?.mask);
}

function sup(n) {
  return String(n).replace(/\d/g, (c) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[Number(c)]);
}

/** m_j^l as text: "m¹₂". */
function maskSym(l, J) {
  return sym("m", l, J);
}

/** The scale m/(1 − p) of unit j: 0 or 1/(1 − p). */
export function maskScale(ex, j) {
  return ex.mask[j] / (1 - ex.dropout);
}

/** g(z) then a = m·g(z)/(1 − p) for unit j of hidden layer l, with a note on what the mask did. */
export function dropoutForward(ex, l, j, act) {
  const J = j + 1;
  const p = ex.dropout;
  const m = ex.mask[j];
  let html = eq(`${gName(act)}(${sym("z", l, J)})`, `${gName(act)}(${num(ex.z[j])})`, `<b>${num(ex.g[j])}</b>`);
  html += eq(
    sym("a", l, J),
    `${maskSym(l, J)} · ${gName(act)}(${sym("z", l, J)}) / (1 − p)`,
    `${num(m)}·${factor(ex.g[j])} / (1 − ${num(p)})`,
    `<b>${num(ex.a[j])}</b>`,
  );
  const kept = ex.mask.reduce((s, v) => s + v, 0);
  html += note(
    (m === 0
      ? `Dropped: ${maskSym(l, J)} = 0 for the traced example in this iteration (each unit is dropped with probability p = ${num(p)}).`
      : `Kept: ${maskSym(l, J)} = 1, scaled by 1/(1 − p) = ${num(1 / (1 - p))} so the expected activation stays g(z).`) +
      ` Mask of layer ${l}: m = (${ex.mask.map((v) => num(v)).join(", ")}), ${kept} of ${ex.mask.length} kept. No dropout in evaluation.`,
    "mv-dropout",
  );
  return html;
}

/**
 * δ of hidden unit j through the mask: δ = m/(1 − p) · g'(z) · ∂ℓ/∂a.
 * @param {object} fwd the traced example's forward values at layer l (mask, dropout)
 * @param {number} gp g'(z)
 * @param {number} up ∂ℓ/∂a arriving from layer l + 1
 * @param {number} delta the recorded δ
 */
export function dropoutDelta(fwd, l, j, gp, up, delta) {
  const J = j + 1;
  const scale = maskScale(fwd, j);
  return (
    eq(
      sym("δ", l, J),
      `${maskSym(l, J)}/(1 − p) · g'(${sym("z", l, J)}) · ∂ℓ/∂${sym("a", l, J)}`,
      `${factor(scale)}·${factor(gp)}·${factor(up)}`,
      `<b>${num(delta)}</b>`,
    ) +
    note(
      fwd.mask[j] === 0
        ? `The unit was dropped in the forward pass (${maskSym(l, J)} = 0): no gradient flows through it for this example.`
        : `δ passes through the same mask and scale 1/(1 − p) = ${num(1 / (1 - fwd.dropout))} as the forward pass.`,
      "mv-dropout",
    )
  );
}

/** The loss phase of an iteration with dropout (its forward records say): which loss this L is, or "". */
export function dropoutLossNote(idx) {
  const layers = (idx?.forward ?? []).flatMap((r) => (r && typeof r.dropout === "number" ? [`p${sup(r.layer)} = ${num(r.dropout)}`] : []));
  if (layers.length === 0) return "";
  return note(
    `With dropout (${layers.join(", ")}) ℓ and L are the losses of this iteration's thinned network, the one the gradient is of; the loss curve and the test loss are without dropout.`,
    "mv-dropout",
  );
}
