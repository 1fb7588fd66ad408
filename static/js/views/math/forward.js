/**
 * Formula panel, forward and loss phases: z = Σ W a + b and a = g(z) for one neuron, and the loss of the
 * traced example with the batch mean, each with the traced example's numbers substituted.
 */

import { fmt } from "../../format.js";
import { LOSS_TEXT, activationOf, eq, esc, factor, gName, G_FORMULA, note, num, plusTerm, sym } from "./terms.js";
import { weightSym } from "../shared/notation.js";
import { dropoutForward, dropoutLossNote, hasMask } from "./dropout.js";

/** "(l−1)" as a superscript index. */
export function prevSup(l) {
  return l - 1 === 0 ? "0" : String(l - 1);
}

/**
 * The forward equations of neuron (l, j) with numbers, highlighting the term of input k (a selected weight).
 * @param {object} ctx see math.js
 * @param {number} l layer (1..L)
 * @param {number} j row (0-based)
 * @param {number|null} k column of a selected weight
 */
export function forwardNeuron(ctx, l, j, k = null) {
  const rec = ctx.idx.forward[l];
  const J = j + 1;
  const W = ctx.weightsUsed(l)[j];
  const b = ctx.biasesUsed(l)[j];
  const head = `${sym("z", l, J)}`;
  const sum = `Σ<sub>k</sub> ${weightSym(ctx.notation, l, J, "k")} ${sym("a", prevSup(l), "k")} + ${sym("b", l, J)}`;
  if (!rec) {
    const symbolic = W.map((w, c) => `${factor(w)}·${sym("a", prevSup(l), c + 1)}`).join(" + ");
    const later = ctx.phase.kind === "forward" ? note(`The traced example reaches layer ${l} at forward phase ${l}; step to it (→) to see the numbers.`) : "";
    return eq(head, sum, `${symbolic}${plusTerm(num(Math.abs(b)), b)}`) + later;
  }
  const ex = rec.example;
  const terms = W.map((w, c) => {
    const t = `${factor(w)}·${factor(ex.a_prev[c])}`;
    return c === k ? `<mark>${t}</mark>` : t;
  });
  const biasText = fmt(b) === "0" ? ` + ${num(0)}` : plusTerm(num(Math.abs(b)), b);
  let html = eq(head, sum, `${terms.join(" + ")}${biasText}`, `<b>${num(ex.z[j])}</b>`);
  const act = activationOf(ctx.config, l, ctx.L);
  if (act === "softmax") {
    const z = ex.z;
    const parts = z.map((v) => `e<sup>${esc(fmt(v))}</sup>`).join(" + ");
    html += eq(
      sym("a", l, J),
      `softmax(${sym("z", l, null)})<sub>${J}</sub>`,
      `e<sup>${esc(fmt(z[j]))}</sup> / (${parts})`,
      `<b>${num(ex.a[j])}</b>`,
    );
  } else if (hasMask(ex)) {
    html += dropoutForward(ex, l, j, act);
  } else {
    html += eq(sym("a", l, J), `${gName(act)}(${sym("z", l, J)})`, `${gName(act)}(${num(ex.z[j])})`, `<b>${num(ex.a[j])}</b>`);
  }
  html += note(`${G_FORMULA[act] ?? esc(act)}${l === ctx.L ? " (output activation)" : ""}.`);
  if (k !== null) {
    const w = W[k];
    const a = ex.a_prev[k];
    html += note(
      `This weight's term: ${weightSym(ctx.notation, l, J, k + 1)} ${sym("a", prevSup(l), k + 1)} = ${factor(w)}·${factor(a)} = ${num(w * a)}.`,
    );
  }
  return html;
}

/** a⁰ = x: the traced example's input feature k. */
export function inputNeuron(ctx, k) {
  const rec = ctx.idx.forward[1];
  const label = ctx.featureLabels[k] ?? `x${k + 1}`;
  if (!rec) {
    return eq(sym("a", 0, k + 1), sym("x", null, k + 1)) + note(`Input feature ${esc(label)}; its value appears at forward phase 1.`);
  }
  return eq(sym("a", 0, k + 1), sym("x", null, k + 1), `<b>${num(rec.example.a_prev[k])}</b>`) + note(`Input feature ${esc(label)} of the traced example.`);
}

/** The loss phase: ℓ for the traced example, L for the batch, and ∂ℓ/∂ŷ. */
export function lossEquations(ctx) {
  const rec = ctx.idx.loss;
  const name = ctx.config?.loss ?? "half_sse";
  const text = LOSS_TEXT[name] ?? { formula: esc(name), grad: "", convention: esc(name) };
  if (!rec) return eq(text.formula) + note("The loss appears after the last forward phase.");
  const ex = rec.example;
  const yhat = ex.output;
  const y = ex.target;
  const n = yhat.length;
  const diff = yhat.map((v, k) => `(${num(v)} − ${factor(y[k])})²`);
  let subst;
  if (name === "mse") subst = `(1/${n})·[${diff.join(" + ")}]`;
  else if (name === "half_sse") subst = n === 1 ? `½${diff[0]}` : `½[${diff.join(" + ")}]`;
  else if (name === "sse") subst = n === 1 ? diff[0] : `[${diff.join(" + ")}]`;
  else if (name === "l1") subst = yhat.map((v, k) => `|${num(v)} − ${factor(y[k])}|`).join(" + ");
  else if (name === "bce") {
    subst = `−[${yhat.map((v, k) => `${factor(y[k])}·log ${factor(v)} + (1 − ${factor(y[k])})·log(1 − ${factor(v)})`).join(" + ")}]`;
  } else {
    const hot = y.map((v, k) => [v, k]).filter(([v]) => v !== 0);
    subst = `−[${hot.map(([v, k]) => `${factor(v)}·log ${num(yhat[k])}`).join(" + ")}]`;
  }
  const sub = ex.in_batch ? "" : " (not in this batch)";
  let html = eq(text.formula, subst, `<b>${num(ex.loss)}</b>`);
  html += note(`ŷ = ${vec(yhat)}, y = ${vec(y)}: traced example #${ex.index}${sub}.`);
  const B = rec.batch?.length ?? ctx.batchSize;
  html += eq(`L = (1/B) Σ<sub>i</sub> ℓ<sub>i</sub>`, `(1/${B})·(${num(sumOf(rec.per_example))})`, `<b>${num(rec.loss)}</b>`);
  html += dropoutLossNote(ctx.idx);
  if (rec.regularization) {
    html += eq("L + R", `${num(rec.loss)} + ${num(rec.regularization)}`, `<b>${num(rec.total)}</b>`);
  }
  if (text.grad) {
    html += eq(text.grad, `${vec(ex.grad_output)}`);
    html += note("∂ℓ/∂ŷ of the traced example: where the backward pass starts.");
  }
  return html;
}

/** A vector as "(0.31, 0.21, 0)". */
export function vec(v) {
  return `(${Array.from(v ?? [], (x) => num(x)).join(", ")})`;
}

function sumOf(v) {
  let s = 0;
  for (const x of v ?? []) s += x;
  return s;
}
