/**
 * The side panel's words for one step: forward, the node's formula on its inputs' names and values; backward,
 * each edge's ∂f/∂(input) = ∂f/∂(node) · ∂(node)/∂(input) = upstream × local = downstream (lecture 000), and
 * the sum when an input has several uses. Each line is TeX (typeset by `put`) with a plain-text twin.
 */

import { tex, texNum } from "../shared/tex.js";
import { gateWords, plainName } from "./draw.js";

/** TeX → readable plain text (the fallback before KaTeX is there, and the lines' title). */
export function plain(tex) {
  return plainName(tex)
    .replace(/\\frac\{([^{}]*)\}\{([^{}]*)\}/g, "($1)/($2)")
    .replace(/\\partial /g, "∂")
    .replace(/\\mathrel\{\+\}=/g, "+=")
    .replace(/\\cdot|\\times/g, "×")
    .replace(/\\sigma/g, "σ")
    .replace(/\\(ln|tanh|max)/g, "$1")
    .replace(/\\ge/g, "≥")
    .replace(/\\,|\\;/g, " ")
    .replace(/\^\{([^{}]*)\}/g, "^$1")
    .replace(/[{}]/g, "")
    .replace(/-/g, "−");
}

/** Typeset one formula into `el` (KaTeX), its plain text as the title (a tooltip, and for tests). */
export function put(el, latex) {
  el.title = plain(latex);
  tex(el, latex, { display: false });
}

/** A number in TeX, in parentheses when negative unless `bare`. */
export function texNumber(v, bare = false) {
  const text = texNum(v);
  return v < 0 && !bare ? `(${text})` : text;
}

const d = (top, bottom) => `\\frac{\\partial ${top}}{\\partial ${bottom}}`;

/**
 * The step's heading and formula lines.
 * @returns {{heading: string, lines: {tex: string, note?: string, local?: string}[]}}
 */
export function explain(graph, p, st) {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const output = byId.get(p.backward[0]);
  if (st.phase === "start") {
    const given = graph.nodes.filter((n) => n.op === "var").map((n) => ({ tex: `${n.name} = ${texNumber(n.value, true)}` }));
    return { heading: "The inputs are given. Step forward (→) for each node's value, in order.", lines: given };
  }
  if (st.phase === "forward") {
    const node = byId.get(st.current);
    const i = p.forward.indexOf(node.id) + 1;
    return {
      heading: `Forward ${i} of ${p.forward.length}: ${plainName(node.name)}`,
      lines: [{ tex: `${node.name} = ${node.tex} = ${node.tex_values} = ${texNumber(node.value, true)}` }],
    };
  }
  if (st.seed) {
    return {
      heading: "Backward: start at the output",
      lines: [{ tex: `${d(output.name, output.name)} = 1`, note: "then each node hands back upstream × local" }],
    };
  }
  const node = byId.get(st.current);
  const gate = gateWords(node);
  const lines = [];
  for (const i of st.fresh) {
    const edge = graph.edges[i];
    const from = byId.get(edge.from);
    if (edge.local === null) continue; // a number: not differentiated
    const many = from.fan_out > 1;
    lines.push({
      tex:
        `${d(output.name, from.name)} ${many ? "\\mathrel{+}=" : "="} ${d(output.name, node.name)}\\,${d(node.name, from.name)}` +
        ` = ${texNumber(edge.upstream, true)} \\times ${texNumber(edge.local)} = ${texNumber(edge.downstream, true)}`,
      note: `upstream × local, the local gradient${many ? ` (one of ${from.fan_out} uses of ${plainName(from.name)})` : ""}`,
      local: `${d(node.name, from.name)} = ${edge.local_tex}`,
    });
  }
  for (const id of st.completed) {
    const done = byId.get(id);
    if (done.fan_out < 2) continue;
    const parts = graph.edges.filter((e) => e.from === id).map((e) => texNumber(e.downstream));
    lines.push({ tex: `${d(output.name, done.name)} = ${parts.join(" + ")} = ${texNumber(done.grad, true)}`, note: `the sum over the ${done.fan_out} uses of ${plainName(done.name)}` });
  }
  if (!lines.length) lines.push({ tex: `${d(output.name, node.name)} = ${texNumber(node.grad, true)}`, note: "its inputs are numbers: nothing to hand back" });
  const title = `Backward ${st.back} of ${p.backward.length}: ${plainName(node.name)}${gate ? ` (${gate})` : ""}`;
  return { heading: title, lines };
}
