/**
 * Per-frame update of the network diagram: colours, widths and texts of the existing SVG elements.
 *
 * Channels: a weight is a solid line, colour by sign (palette: orange −, blue +), width by |w|. The
 * backward phase's ∂L/∂W and the update's ΔW are a second, dashed line on top of it in the gradient colours
 * (wine for +, green for −), width by magnitude relative to the largest in view. Neuron dots are filled with
 * the traced example's activation a; the texts beside them name the quantity (z, a, δ, Δb).
 */

import { fmt, fmtSigned } from "../format.js";
import { divergingColor, GRADIENT_COLOR, HIGHLIGHT_COLOR } from "../palette.js";
import { maxAbs } from "./network-values.js";

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

/** Stroke colour of a weight: its sign at a saturation that grows with |w| (never invisible). */
function weightColor(w, m) {
  const t = m > 0 ? Math.abs(w) / m : 0;
  const q = Math.round((0.35 + 0.65 * t) * 32) / 32;
  return divergingColor(w < 0 ? -q : q, 1);
}

/** Width for |v| on a scale whose largest value gets `maxW` pixels. */
function widthFor(v, m, minW, maxW) {
  const t = m > 0 ? Math.abs(v) / m : 0;
  return (minW + (maxW - minW) * t).toFixed(1);
}

/**
 * The overlay (dashed) channel for this phase: per layer a matrix of values, and what it is called.
 * backward at layer p: the batch ∂L/∂W^l for every l ≥ p done so far; update: ΔW of every layer.
 */
function overlayFor(model) {
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

/**
 * Update every element of `refs` (from buildDiagram) for `model`.
 * @param {object} refs
 * @param {object} layout
 * @param {object} model {L, weights, biases, phase, idx, a, z, selection, hover}
 */
export function paintDiagram(refs, layout, model) {
  const { L, weights, biases, phase, idx, a } = model;
  model.dense = layout.dense;
  // Thinner edges when many neurons share a column, so the structure stays readable.
  const maxW = Math.max(1.2, Math.min(5, layout.pitch * (layout.dense ? 0.1 : 0.16)));
  const baseOpacity = layout.dense ? 0.7 : 0.9;
  // Bands: the layer being computed.
  refs.bands.forEach((band, l) => {
    const active = (phase.layer === l && phase.kind !== "idle") || phase.kind === "update";
    setAttr(band, "class", active ? `nv-band active ${phase.kind}` : "nv-band");
  });

  // Weights.
  const wm = maxAbs(weights);
  for (let l = 1; l <= L; l++) {
    const W = weights[l - 1];
    const pending = phase.kind === "forward" && l > phase.layer;
    for (let j = 0; j < W.length; j++) {
      for (let k = 0; k < W[j].length; k++) {
        const line = refs.edges[l][j][k];
        setAttr(line, "stroke", weightColor(W[j][k], wm));
        setAttr(line, "stroke-width", widthFor(W[j][k], wm, 0.5, maxW));
        setAttr(line, "stroke-opacity", pending ? "0.3" : String(baseOpacity));
      }
    }
  }

  // Gradient / change overlay.
  const overlay = overlayFor(model);
  setAttr(refs.gGrads, "display", overlay ? "inline" : "none");
  if (overlay) {
    const om = maxAbs(overlay.mats.filter(Boolean));
    for (let l = 1; l <= L; l++) {
      const M = overlay.mats[l];
      for (let j = 0; j < layout.sizes[l]; j++) {
        for (let k = 0; k < layout.sizes[l - 1]; k++) {
          const line = refs.grads[l][j][k];
          const v = M?.[j]?.[k];
          if (v === undefined || v === 0) {
            setAttr(line, "display", "none");
            continue;
          }
          setAttr(line, "display", "inline");
          setAttr(line, "stroke", v > 0 ? GRADIENT_COLOR : HIGHLIGHT_COLOR);
          setAttr(line, "stroke-width", widthFor(v, om, 1, maxW + 1.5));
        }
      }
    }
  }
  model.overlay = overlay;

  // Neurons.
  const inputScale = Math.max(1, maxAbs(a[0] ?? []));
  const fwdDone = (l) => phase.kind !== "forward" || l <= phase.layer;
  for (let l = 0; l <= L; l++) {
    const active = phase.layer === l && (phase.kind === "forward" || phase.kind === "backward");
    const showAll = !layout.dense || active || (phase.kind === "loss" && l === L);
    refs.nodes[l].forEach((node, j) => {
      const av = a[l]?.[j];
      const known = av !== undefined && av !== null && fwdDone(l);
      setAttr(node.dot, "fill", known ? divergingColor(av, l === 0 ? inputScale : 1) : "#ffffff");
      const sel = model.selection;
      const selected = sel && sel.layer === l && sel.row === j && sel.kind !== "weight";
      const hovered = model.hover && model.hover.layer === l && model.hover.neuron === j;
      setAttr(node.g, "class", `nv-node${selected ? " selected" : ""}${hovered ? " hovered" : ""}${fwdDone(l) ? "" : " pending"}`);
      const [t1, t2] = nodeTexts(model, l, j, known ? av : null);
      const show = showAll || selected || hovered;
      setText(node.value, show ? t1 : "");
      setText(node.value2, show ? t2 : "");
      if (node.bias) {
        const b = biases[l - 1][j];
        setAttr(node.bias.box, "fill", divergingColor(b, Math.max(1e-12, maxAbs(biases))));
        const selB = sel && sel.kind === "bias" && sel.layer === l && sel.row === j;
        setAttr(node.bias.g, "class", selB ? "nv-bias selected" : "nv-bias");
        setText(node.bias.text, !layout.dense || selB || selected || hovered ? `b ${fmt(b, 3)}` : "");
      }
    });
  }
  paintLossBadge(refs, layout, model);
}

/** The one or two short texts beside neuron (l, j) for the current phase. */
function nodeTexts(model, l, j, av) {
  const { phase, idx, z, L } = model;
  if (model.approx) return ["", ""]; // colours read off the maps are not numbers to print
  const aName = l === 0 ? "x" : "a";
  const aText = av === null ? "" : `${aName} ${fmt(av, 3)}`;
  if (phase.kind === "forward" && l === phase.layer) {
    // Crowded columns get one line per neuron.
    if (model.dense) return [`z ${fmt(z[l]?.[j], 3)} → a ${fmt(av, 3)}`, ""];
    return [`z ${fmt(z[l]?.[j], 3)}`, `a ${fmt(av, 3)}`];
  }
  if (phase.kind === "backward" && l >= phase.layer && l >= 1) {
    const d = idx.backward[l]?.example?.delta?.[j];
    return [d === undefined ? aText : `δ ${fmt(d, 3)}`, ""];
  }
  if (phase.kind === "update" && l >= 1 && idx.update?.bias_changes && model.trainBiases) {
    const db = idx.update.bias_changes[l - 1]?.[j];
    return [aText, db === undefined ? "" : `Δb ${fmtSigned(db, 2)}`];
  }
  if (phase.kind === "loss" && l === L) {
    return [`ŷ ${fmt(av, 3)}`, ""];
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
  t1.textContent = `ℓ = ${fmt(rec.example.loss)}`;
  const t2 = document.createElementNS("http://www.w3.org/2000/svg", "tspan");
  t2.setAttribute("x", String(x));
  t2.setAttribute("dy", "1.2em");
  t2.textContent = `y = ${y0}`;
  refs.lossBadge.append(t1, t2);
}
