/**
 * Per-frame update of the network diagram: the neurons' colours (dots: the traced example's activation a;
 * bias badges: b), painted on the canvas, and the SVG's bands, classes and texts (z, a, δ, Δb by phase) and
 * the loss badge. Only attributes and texts that changed are written.
 */

import { fmt, fmtSigned } from "../../format.js";
import { divergingColor } from "../../palette.js";
import { maxAbs } from "./values.js";
import { isDropped } from "./dropout.js";

/** A dropped unit's dot (dropout's m = 0): grey, whatever its g(z). */
const DROPPED_FILL = "#9a9a9a";

/** Set an attribute only when its value changed (a frame touches thousands of elements). */
export function setAttr(el, name, value) {
  const key = `_${name}`;
  if (el[key] === value) return;
  el[key] = value;
  el.setAttribute(name, value);
}

function setText(el, text) {
  if (el._text === text) return;
  el._text = text;
  el.textContent = text;
}

/**
 * The overlay (dashed) channel for this phase: per layer a matrix of values, and what it is called.
 * backward at layer p: the batch ∂L/∂W^l for every l ≥ p done so far; update: ΔW of every layer.
 * @param {{phase: object, idx: object, L: number}} model
 * @returns {{mats: (number[][] | null)[], name: string} | null}
 */
export function overlayFor(model) {
  const { phase, idx, L } = model;
  if (phase.kind === "backward") {
    const mats = new Array(L + 1).fill(null);
    for (let l = phase.layer; l <= L; l++) mats[l] = idx.backward[l]?.grad_weights ?? null;
    return { mats, name: "∂L/∂W" };
  }
  if (phase.kind === "update" && idx.update) {
    const mats = [null, ...(idx.update.weight_changes ?? [])];
    return { mats, name: "ΔW" };
  }
  return null;
}

/** Has the forward pass of this iteration reached layer l (or is no forward pass under way)? */
function forwardDone(phase, l) {
  return phase.kind !== "forward" || l <= phase.layer;
}

/**
 * The colours of every neuron's dot (the traced example's activation a; white where not known yet) and
 * bias badge, and which layers are faded (not reached by the forward pass yet).
 * @returns {{dots: string[][], biases: (string[]|null)[], faded: boolean[], key: string}} key: all of it, to
 *   tell whether anything changed
 */
export function nodeFills(model) {
  const { L, biases, phase, a } = model;
  const inputScale = Math.max(1, maxAbs(a[0] ?? []));
  const biasScale = Math.max(1e-12, maxAbs(biases));
  const dots = [];
  const biasFills = [null];
  const faded = [];
  for (let l = 0; l <= L; l++) {
    const done = forwardDone(phase, l);
    faded.push(!done);
    const n = model.sizes[l];
    const row = [];
    for (let j = 0; j < n; j++) {
      const av = a[l]?.[j];
      if (isDropped(model.masks, l, j)) row.push(DROPPED_FILL);
      else row.push(av !== undefined && av !== null && done ? divergingColor(av, l === 0 ? inputScale : 1) : "#ffffff");
    }
    dots.push(row);
    if (l > 0) biasFills.push(biases[l - 1].map((b) => divergingColor(b, biasScale)));
  }
  return { dots, biases: biasFills, faded, key: `${dots.join(";")}|${biasFills.join(";")}|${faded.join()}` };
}

/**
 * Paint the dots and bias badges of `fills` onto the canvas (`ctx` in CSS px), under the SVG's outlines.
 * Faded layers are drawn at the opacity the SVG gives their outlines (.nv-node.pending).
 */
export function drawNodes(ctx, layout, fills) {
  const { r, bh } = layout;
  layout.nodes.forEach((col, l) => {
    ctx.globalAlpha = fills.faded[l] ? 0.45 : 1;
    col.forEach((n, j) => {
      ctx.fillStyle = fills.dots[l][j];
      ctx.beginPath();
      ctx.arc(n.cx, n.cy, r, 0, 2 * Math.PI);
      ctx.fill();
      if (l > 0) {
        ctx.fillStyle = fills.biases[l][j];
        ctx.fillRect(n.bx, n.by, bh, bh);
      }
    });
  });
  ctx.globalAlpha = 1;
}

/**
 * Update the SVG elements of `refs` (from buildDiagram) for `model`: bands, classes, texts (texts only when
 * `model.textsDue`; while playing they change at most a few times a second).
 * @param {object} refs
 * @param {object} layout
 * @param {object} model {L, biases, phase, idx, a, z, selection, hover, textsDue}
 */
export function paintDiagram(refs, layout, model) {
  const { L, biases, phase, a } = model;
  model.dense = layout.dense;
  model.oneLine = layout.oneLine;
  // Bands: the layer being computed.
  refs.bands.forEach((band, l) => {
    const active = (phase.layer === l && phase.kind !== "idle") || phase.kind === "update";
    setAttr(band, "class", active ? `nv-band active ${phase.kind}` : "nv-band");
  });

  // Neurons.
  for (let l = 0; l <= L; l++) {
    const active = phase.layer === l && (phase.kind === "forward" || phase.kind === "backward");
    const showAll = !layout.dense || active || (phase.kind === "loss" && l === L);
    const done = forwardDone(phase, l);
    refs.nodes[l].forEach((node, j) => {
      const sel = model.selection;
      const selected = sel && sel.layer === l && sel.row === j && sel.kind !== "weight";
      const hovered = model.hover && model.hover.layer === l && model.hover.neuron === j;
      const dropped = isDropped(model.masks, l, j) ? " dropped" : "";
      setAttr(node.g, "class", `nv-node${selected ? " selected" : ""}${hovered ? " hovered" : ""}${done ? "" : " pending"}${dropped}`);
      const selB = node.bias && sel && sel.kind === "bias" && sel.layer === l && sel.row === j;
      if (node.bias) setAttr(node.bias.g, "class", selB ? "nv-bias selected" : "nv-bias");
      if (!model.textsDue) return;
      const av = a[l]?.[j];
      const [t1, t2] = nodeTexts(model, l, j, av !== undefined && av !== null && done ? av : null);
      const show = showAll || selected || hovered;
      setText(node.value, show ? t1 : "");
      setText(node.value2, show ? t2 : "");
      const biasShown = (layout.biasText[l] !== null && !layout.dense) || selB || selected || hovered;
      if (node.bias) setText(node.bias.text, biasShown ? `b ${fmt(biases[l - 1][j], 3)}` : "");
    });
  }
  if (model.textsDue) paintLossBadge(refs, layout, model);
}

/** The one or two short texts beside neuron (l, j) for the current phase. */
function nodeTexts(model, l, j, av) {
  const { phase, idx, z, L } = model;
  if (model.approx) return ["", ""]; // colours read off the maps are not numbers to print
  const aName = l === 0 ? "x" : "a";
  const aText = av === null ? "" : `${aName} ${fmt(av, 3)}`;
  if (phase.kind === "forward" && l === phase.layer) {
    // Crowded columns get one line per neuron: z and a where the gap to the next column holds both, else a.
    if (model.dense) return [model.oneLine ? `z ${fmt(z[l]?.[j], 3)} → a ${fmt(av, 3)}` : `a ${fmt(av, 3)}`, ""];
    return [`z ${fmt(z[l]?.[j], 3)}`, `a ${fmt(av, 3)}`];
  }
  if (phase.kind === "backward" && l >= phase.layer && l >= 1) {
    const d = idx.backward[l]?.example?.delta?.[j];
    if (model.hiddenDeltas?.has(l)) return [d === undefined ? aText : "δ ?", ""];
    return [d === undefined ? aText : `δ ${fmt(d, 3)}`, ""];
  }
  if (phase.kind === "update" && l >= 1 && idx.update?.bias_changes && model.trainBiases) {
    const db = idx.update.bias_changes[l - 1]?.[j];
    return [aText, db === undefined ? "" : `Δb ${fmtSigned(db, 2)}`];
  }
  if (phase.kind === "loss" && l === L) {
    return [av === null ? "ŷ ?" : `ŷ ${fmt(av, 3)}`, ""];
  }
  return [aText, ""];
}

/** The loss phase: ℓ of the traced example and its target next to the output layer. */
function paintLossBadge(refs, layout, model) {
  const rec = model.idx.loss;
  const show = model.phase.kind === "loss" && rec?.example;
  setAttr(refs.lossBadge, "display", show ? "inline" : "none");
  if (!show) return;
  // Below the output column, centred on it (the panel's right edge is too close for a side label).
  const out = layout.nodes[model.L];
  const col = layout.columns[model.L];
  const x = Math.min(col.x, layout.width - layout.font * 4.5);
  const y = out[out.length - 1].cy + Math.max(layout.s / 2, layout.r) + layout.font * 1.3;
  setAttr(refs.lossBadge, "x", String(x));
  setAttr(refs.lossBadge, "y", String(Math.min(y, layout.height - layout.font * 1.6)));
  setAttr(refs.lossBadge, "text-anchor", "middle");
  const target = rec.example.target;
  const y0 = Array.isArray(target) && target.length === 1 ? fmt(target[0]) : Array.isArray(target) ? `(${target.map((t) => fmt(t)).join(", ")})` : fmt(target);
  refs.lossBadge.replaceChildren();
  const t1 = document.createElementNS("http://www.w3.org/2000/svg", "tspan");
  t1.textContent = model.lossHidden ? "ℓ = ?" : `ℓ = ${fmt(rec.example.loss)}`;
  const t2 = document.createElementNS("http://www.w3.org/2000/svg", "tspan");
  t2.setAttribute("x", String(x));
  t2.setAttribute("dy", "1.2em");
  t2.textContent = `y = ${y0}`;
  refs.lossBadge.append(t1, t2);
}
