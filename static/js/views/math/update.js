/**
 * Formula panel, update phase: the optimiser's rule for the selected weight or bias with η, the gradient, the
 * optimiser's state and the before/after values (SGD: W ← W − η ∂L/∂W; momentum; Adam).
 */

import { eq, factor, note, num, sym } from "./terms.js";
import { weightSym } from "../shared/notation.js";

/** The parameter a selection points at: its symbol, before/after values, gradient and state keys. */
function parameter(ctx, sel) {
  const rec = ctx.idx.update;
  const l = sel.layer;
  const j = sel.row;
  const back = ctx.idx.backward[l];
  if (sel.kind === "weight") {
    const k = sel.col;
    return {
      name: weightSym(ctx.notation, l, j + 1, k + 1),
      before: rec.weights_before[l - 1][j][k],
      after: rec.weights[l - 1][j][k],
      change: rec.weight_changes?.[l - 1]?.[j]?.[k],
      grad: back?.grad_weights?.[j]?.[k],
      state: (key) => rec.optimizer_state?.[`${key}_w`]?.[l - 1]?.[j]?.[k],
      bias: false,
    };
  }
  return {
    name: sym("b", l, j + 1),
    before: rec.biases_before[l - 1][j],
    after: rec.biases[l - 1][j],
    change: rec.bias_changes?.[l - 1]?.[j],
    grad: back?.grad_biases?.[j],
    state: (key) => rec.optimizer_state?.[`${key}_b`]?.[l - 1]?.[j],
    bias: true,
  };
}

/**
 * The update of the selected weight or bias (a neuron selection shows its bias).
 * @param {object} ctx
 * @param {{kind: string, layer: number, row: number, col?: number}} sel
 */
export function updateEquations(ctx, sel) {
  const rec = ctx.idx.update;
  if (!rec) return note("The update comes after the backward pass reaches layer 1.");
  if (sel.layer < 1) return note("Inputs have no parameters to update; select a weight, a bias or a neuron of layer 1 or above.");
  if (sel.kind === "neuron") return neuronUpdate(ctx, sel);
  return oneUpdate(ctx, sel);
}

/** How many of a neuron's incoming weights are written out in the update phase. */
const ROW_SHOWN = 5;

/** A neuron's incoming weights W_j·^l (one line each, the first ROW_SHOWN of them) and its bias. */
function neuronUpdate(ctx, sel) {
  const rec = ctx.idx.update;
  const l = sel.layer;
  const n = ctx.sizes[l - 1];
  const eta = rec.learning_rate;
  const opt = typeof rec.optimizer === "string" ? rec.optimizer : rec.optimizer?.name ?? "sgd";
  let html = "";
  for (let k = 0; k < Math.min(n, ROW_SHOWN); k++) {
    const p = parameter(ctx, { kind: "weight", layer: l, row: sel.row, col: k });
    html +=
      opt === "sgd"
        ? eq(`${p.name} ← ${p.name} − η ∂L/∂${p.name}`, `${num(p.before)} − ${num(eta)}·${factor(p.grad)}`, `<b>${num(p.after)}</b>`)
        : eq(`${p.name}: ${num(p.before)} → <b>${num(p.after)}</b>`);
  }
  if (n > ROW_SHOWN) html += note(`… and ${n - ROW_SHOWN} more incoming weights: see ΔW${sup(l)} beside.`);
  html += oneUpdate(ctx, { kind: "bias", layer: l, row: sel.row });
  if (opt !== "sgd") html += note(`Select one weight to see the ${opt} update rule with its state.`);
  return html;
}

function sup(n) {
  return String(n).replace(/\d/g, (c) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[Number(c)]);
}

/** The update of one weight or bias. */
function oneUpdate(ctx, target) {
  const rec = ctx.idx.update;
  const p = parameter(ctx, target);
  const eta = rec.learning_rate;
  const opt = typeof rec.optimizer === "string" ? rec.optimizer : rec.optimizer?.name ?? "sgd";
  const g = p.grad;
  const gName = `∂L/∂${p.name}`;
  let html = "";
  if (p.bias && ctx.config?.train_biases === false) {
    return eq(p.name, num(p.after)) + note("Biases are frozen (train biases is off): they keep their values.");
  }
  if (opt === "momentum") {
    // Heavy-ball momentum as the engine runs it: v ← μv + ∂L/∂W, W ← W − ηv (v in gradient units).
    const st = rec.optimizer_state ?? {};
    const mu = st.momentum ?? ctx.config?.momentum ?? 0.9;
    const v = p.state("velocity");
    const vPrev = v !== undefined && g !== undefined && mu > 0 ? (v - g) / mu : undefined;
    html += eq(
      `v ← μv + ${gName}`,
      vPrev === undefined ? "" : `${num(mu)}·${factor(vPrev)} + ${factor(g)}`,
      v === undefined ? "" : `<b>${num(v)}</b>`,
    );
    html += eq(`${p.name} ← ${p.name} − ηv`, `${num(p.before)} − ${num(eta)}·${factor(v)}`, `<b>${num(p.after)}</b>`);
    html += note(`μ = ${num(mu)}, η = ${num(eta)}; v is this parameter's velocity (its running sum of gradients).`);
  } else if (opt === "adam") {
    const st = rec.optimizer_state ?? {};
    const b1 = st.beta1 ?? 0.9;
    const b2 = st.beta2 ?? 0.999;
    const epsilon = st.epsilon ?? 1e-8;
    const t = st.t;
    const m = p.state("m");
    const v = p.state("v");
    // The moments before this update, from the ones after it: m_prev = (m − (1 − β₁)g)/β₁, likewise v.
    const known = m !== undefined && v !== undefined && g !== undefined;
    const mPrev = known ? (m - (1 - b1) * g) / b1 : undefined;
    const vPrev = known ? (v - (1 - b2) * g * g) / b2 : undefined;
    html += eq(
      `m ← β₁m + (1 − β₁) ${gName}`,
      known ? `${num(b1)}·${factor(mPrev)} + ${num(1 - b1)}·${factor(g)}` : "",
      m === undefined ? "" : `<b>${num(m)}</b>`,
    );
    html += eq(
      `v ← β₂v + (1 − β₂)(${gName})²`,
      known ? `${num(b2)}·${factor(vPrev)} + ${num(1 - b2)}·${factor(g)}²` : "",
      v === undefined ? "" : `<b>${num(v)}</b>`,
    );
    if (m !== undefined && v !== undefined && t) {
      const mHat = m / (1 - b1 ** t);
      const vHat = v / (1 - b2 ** t);
      html += eq(`m̂ = m/(1 − β₁<sup>t</sup>)`, num(mHat));
      html += eq(`v̂ = v/(1 − β₂<sup>t</sup>)`, num(vHat));
      html += eq(
        `${p.name} ← ${p.name} − η m̂/(√v̂ + ε)`,
        `${num(p.before)} − ${num(eta)}·${factor(mHat)}/(${num(Math.sqrt(vHat))} + ${num(epsilon)})`,
        `<b>${num(p.after)}</b>`,
      );
    } else {
      html += eq(`${p.name} ← ${p.name} − η m̂/(√v̂ + ε)`, `<b>${num(p.after)}</b>`);
    }
    html += note(`t = ${num(t)} (updates so far), β₁ = ${num(b1)}, β₂ = ${num(b2)}, ε = ${num(epsilon)}, η = ${num(eta)}; ${gName} = ${num(g)}.`);
  } else {
    html += eq(`${p.name} ← ${p.name} − η ${gName}`, `${num(p.before)} − ${num(eta)}·${factor(g)}`, `<b>${num(p.after)}</b>`);
  }
  html += note(`Δ${p.name} = ${num(p.change ?? p.after - p.before)}; η = ${num(eta)} is the learning rate this update used.`);
  return html;
}
