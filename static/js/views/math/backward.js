/**
 * Formula panel, backward phase: δ of one neuron (output: ∂ℓ/∂ŷ · g'(z), or ŷ − y / p − y for the fused
 * pairs; hidden: g'(z) · Σ_i W_ij δ_i), and the batch gradients ∂L/∂W = (1/B) Σ δ a (+ ∂R/∂W) and
 * ∂L/∂b = (1/B) Σ δ, each with the traced example's own term.
 */

import { activationOf, derivative, eq, factor, note, num, plusTerm, sym } from "./terms.js";
import { prevSup } from "./forward.js";
import { outgoingOf, weightSym } from "../shared/notation.js";
import { dropoutDelta, hasMask } from "./dropout.js";

/** δ with layer and row, ∂L/∂ symbols. */
const d = (l, j) => `${sym("δ", l, j)}`;
const dL = (what) => `∂L/∂${what}`;

/** The traced example's g'(z_j^l): from the record when given, else the batch row, else from z and a. */
function activationGrad(ctx, rec, l, j, fwdEx) {
  const act = activationOf(ctx.config, l, ctx.L);
  const fromRec = rec.example?.activation_grad?.[j];
  const computed = derivative(act, fwdEx.z[j], fwdEx.g?.[j] ?? fwdEx.a[j]); // g: before dropout's mask
  if (fromRec !== undefined) return { value: fromRec, text: computed?.text ?? "" };
  const row = Array.isArray(rec.batch) ? rec.batch.indexOf(rec.example?.index) : -1;
  const batchValue = row >= 0 ? rec.activation_grad?.[row]?.[j] : undefined;
  if (batchValue !== undefined && batchValue !== null) return { value: batchValue, text: computed?.text ?? "" };
  return computed;
}

/** Whether this output/loss pair has δ^L = ŷ − y. */
function fused(act, loss) {
  return (act === "sigmoid" && loss === "bce") || (act === "softmax" && loss === "cross_entropy");
}

/**
 * δ_j^l of the traced example with numbers, then ∂L/∂b_j^l of the batch.
 * @param {object} ctx
 * @param {number} l
 * @param {number} j
 */
export function backwardNeuron(ctx, l, j) {
  const rec = ctx.idx.backward[l];
  const J = j + 1;
  if (!rec) {
    return note(`δ${sup(l)} is computed at backward phase ${l}, after the layers above it; step on (→) to reach it.`);
  }
  const ex = rec.example;
  const fwd = ctx.idx.forward[l].example;
  const act = activationOf(ctx.config, l, ctx.L);
  let html = "";
  if (l === ctx.L) {
    const lossEx = ctx.idx.loss.example;
    const yhat = lossEx.output[j];
    const y = lossEx.target[j];
    const loss = ctx.config?.loss;
    if (fused(act, loss)) {
      const p = act === "softmax" ? "p" : "ŷ";
      html += eq(d(ctx.L, J), `${p}<sub>${J}</sub> − y<sub>${J}</sub>`, `${num(yhat)} − ${factor(y)}`, `<b>${num(ex.delta[j])}</b>`);
      html += note(
        act === "softmax"
          ? "Softmax with cross-entropy: the softmax Jacobian and ∂ℓ/∂p combine to δ = p − y (lecture 003)."
          : "Sigmoid with binary cross-entropy: σ'(z) = a(1 − a) cancels against ∂ℓ/∂ŷ, leaving δ = a − y (lecture 000's dz = a − y).",
      );
    } else if (act === "softmax") {
      const g = lossEx.grad_output;
      const dot = lossEx.output.reduce((s, pk, k) => s + pk * g[k], 0);
      html += eq(
        d(ctx.L, J),
        `p<sub>${J}</sub>(∂ℓ/∂p<sub>${J}</sub> − Σ<sub>k</sub> p<sub>k</sub> ∂ℓ/∂p<sub>k</sub>)`,
        `${num(yhat)}·(${num(g[j])} − ${factor(dot)})`,
        `<b>${num(ex.delta[j])}</b>`,
      );
      html += note("Softmax is not elementwise: δ goes through its Jacobian ∂p<sub>k</sub>/∂z<sub>j</sub> = p<sub>k</sub>(δ<sub>kj</sub> − p<sub>j</sub>).");
    } else {
      const gp = activationGrad(ctx, rec, l, j, fwd);
      html += eq(
        d(ctx.L, J),
        `∂ℓ/∂ŷ<sub>${J}</sub> · g'(${sym("z", ctx.L, J)})`,
        `${factor(lossEx.grad_output[j])}·${factor(gp.value)}`,
        `<b>${num(ex.delta[j])}</b>`,
      );
      html += note(`g'(z) = ${gp.text} = ${num(gp.value)}; ∂ℓ/∂ŷ<sub>${J}</sub> = ${num(lossEx.grad_output[j])} from the loss phase.`);
    }
  } else {
    const next = ctx.idx.backward[l + 1];
    const W = ctx.weightsUsed(l + 1);
    const dn = next.example.delta;
    const terms = dn.map((di, i) => `${factor(W[i][j])}·${factor(di)}`).join(" + ");
    const gp = activationGrad(ctx, rec, l, j, fwd);
    const up = next.example.grad_input[j];
    const masked = hasMask(fwd); // with dropout this is δ before the mask: dropoutDelta goes on from it
    html += eq(
      masked ? `g'(${sym("z", l, J)}) · ∂ℓ/∂${sym("a", l, J)}` : d(l, J),
      `g'(${sym("z", l, J)}) · Σ<sub>i</sub> ${weightSym(ctx.notation, l + 1, "i", J)} ${sym("δ", l + 1, "i")}`,
      `${factor(gp.value)}·[${terms}]`,
      `${factor(gp.value)}·${factor(up)}`,
      `<b>${num(masked ? gp.value * up : ex.delta[j])}</b>`,
    );
    html += note(
      `g'(z) = ${gp.text} = ${num(gp.value)}. The sum is ∂ℓ/∂${sym("a", l, J)}, the gradient arriving from layer ${l + 1} (${outgoingOf(ctx.notation, l + 1, J)}).`,
    );
    if (hasMask(fwd)) html += dropoutDelta(fwd, l, j, gp.value, up, ex.delta[j]);
  }
  html += biasGradient(ctx, l, j);
  return html;
}

/** ∂L/∂b_j^l = (1/B) Σ_i δ_ij^l (biases are never regularised). */
export function biasGradient(ctx, l, j) {
  const rec = ctx.idx.backward[l];
  if (!rec) return "";
  const B = rec.batch?.length ?? ctx.batchSize;
  const J = j + 1;
  const col = (rec.delta ?? []).map((row) => row[j]);
  const sum = col.length <= 4 ? `(1/${B})·[${col.map((v) => factor(v)).join(" + ")}]` : `(1/${B})·(${num(col.reduce((s, v) => s + v, 0))})`;
  return (
    eq(dL(sym("b", l, J)), `(1/B) Σ<sub>i</sub> ${sym("δ", l, `i,${J}`)}`, sum, `<b>${num(rec.grad_biases[j])}</b>`) +
    note(`Mean over the B = ${B} examples of the batch; the traced example's own term is δ = ${num(rec.example.delta[j])}.`)
  );
}

/**
 * ∂L/∂W_jk^l of the batch (the one the update uses), its regularisation part, and the traced example's term.
 * @param {object} ctx
 * @param {number} l
 * @param {number} j
 * @param {number} k
 */
export function weightGradient(ctx, l, j, k) {
  const rec = ctx.idx.backward[l];
  const J = j + 1;
  const K = k + 1;
  const name = weightSym(ctx.notation, l, J, K);
  if (!rec) return note(`∂L/∂${name} is computed at backward phase ${l}; step on (→) to reach it.`);
  const fwd = ctx.idx.forward[l];
  const B = rec.batch?.length ?? ctx.batchSize;
  const data = rec.grad_weights_data?.[j]?.[k] ?? rec.grad_weights[j][k];
  const reg = rec.grad_weights_reg?.[j]?.[k] ?? 0;
  const total = rec.grad_weights[j][k];
  let subst;
  if (B <= 4 && Array.isArray(rec.delta) && Array.isArray(fwd?.a_prev)) {
    subst = `(1/${B})·[${rec.delta.map((row, i) => `${factor(row[j])}·${factor(fwd.a_prev[i][k])}`).join(" + ")}]`;
  } else {
    subst = `(1/${B})·(sum of ${B} terms)`;
  }
  const formula = `(1/B) Σ<sub>i</sub> ${sym("δ", l, `i,${J}`)} ${sym("a", prevSup(l), `i,${K}`)}`;
  let html = eq(`${dL(name)}<sub>data</sub>`, formula, subst, `<b>${num(data)}</b>`);
  const kind = ctx.config?.regularization ?? "none";
  const lambda = ctx.config?.regularization_rate ?? 0;
  if (kind !== "none" && lambda > 0) {
    const w = ctx.weightsUsed(l)[j][k];
    html += eq(
      kind === "l2" ? "∂R/∂W = λW" : "∂R/∂W = λ sign(W)",
      kind === "l2" ? `${num(lambda)}·${factor(w)}` : `${num(lambda)}·sign(${num(w)})`,
      num(reg),
    );
    html += eq(dL(name), `${num(data)}${plusTerm(num(Math.abs(reg)), reg)}`, `<b>${num(total)}</b>`);
  }
  const ex = rec.example;
  const own = ex.grad_weights?.[j]?.[k];
  html += eq(
    `traced example: ${sym("δ", l, J)} ${sym("a", prevSup(l), K)}`,
    `${factor(ex.delta[j])}·${factor(ctx.idx.forward[l].example.a_prev[k])}`,
    num(own ?? ex.delta[j] * ctx.idx.forward[l].example.a_prev[k]),
  );
  html += note(
    `The update uses the batch mean over B = ${B} examples${ex.in_batch ? ", one of which is the traced example" : "; the traced example is not in this batch, its term is shown for comparison"}.`,
  );
  return html;
}

function sup(n) {
  return String(n).replace(/\d/g, (c) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[Number(c)]);
}
