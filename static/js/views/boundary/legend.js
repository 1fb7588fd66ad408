/**
 * The decision-boundary view's caption and legend, and the colour scales its heatmap uses: a sigmoid or ReLU
 * output (targets 0/1) is centred on 0.5, tanh/linear outputs on 0 (targets ±1), regression on 0 over the data's largest |value|,
 * a hovered neuron's map over ±max(|lo|, |hi|) of its own values.
 */

import { fmt } from "../../format.js";
import { classColor, drawLegend } from "../../palette.js";

/** {centre, half}: the value shown white and the distance from it that is full colour. */
export function outputScale(state, map) {
  if (map.kind === "regression") return { centre: 0, half: regressionScale(state, map) };
  const act = state.session?.config?.output_activation;
  return act === "sigmoid" || act === "relu" ? { centre: 0.5, half: 0.5 } : { centre: 0, half: 1 };
}

/** Largest |target| of a regression data set (so points and map share one scale). */
export function regressionScale(state, map) {
  let m = 0;
  for (const v of state.session?.data?.labels ?? []) if (typeof v === "number") m = Math.max(m, Math.abs(v));
  return m > 0 ? m : Math.max(Math.abs(map.lo), Math.abs(map.hi), 1e-12);
}

/** What the legend depends on: redraw only when this changes. */
export function legendKey(state, map, neuron, scale) {
  return neuron
    ? `n|${neuron.layer}:${neuron.neuron}|${fmt(map.lo, 3)}|${fmt(map.hi, 3)}|${state.ui?.presenter}`
    : `o|${map.kind}|${map.classes}|${scale?.centre}|${scale?.half}|${state.ui?.presenter}`;
}

function sup(n) {
  return String(n).replace(/\d/g, (d) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[Number(d)]);
}

function sub(n) {
  return String(n).replace(/\d/g, (d) => "₀₁₂₃₄₅₆₇₈₉"[Number(d)]);
}

/** "neuron a¹₂ (layer 1, neuron 2)" or "input feature x₁²". */
function neuronName(state, n) {
  if (n.layer === 0) {
    const label = state.session?.data?.feature_labels?.[n.neuron] ?? `x${n.neuron + 1}`;
    return `input feature ${label}`;
  }
  const L = state.session?.weights?.length ?? n.layer;
  const what = n.layer === L ? "output" : `layer ${n.layer}`;
  return `a${sup(n.layer)}${sub(n.neuron + 1)} (${what}, neuron ${n.neuron + 1})`;
}

/**
 * Fill the caption and the legend (palette bar, or class swatches for a multiclass output).
 * @param {{caption: HTMLElement, legend: HTMLCanvasElement, classes: HTMLElement}} els
 */
export function drawCaption(els, state, map, neuron, scale) {
  const { caption, legend, classes } = els;
  caption.textContent = neuron
    ? `Hovered: ${neuronName(state, neuron)}`
    : map.kind === "multiclass"
      ? "Predicted class, shaded by its probability"
      : map.kind === "regression"
        ? "Output ŷ over the plane"
        : "Output ŷ: the decision boundary";
  classes.replaceChildren();
  const multi = !neuron && map.kind === "multiclass";
  legend.hidden = multi;
  if (multi) {
    const names = state.session?.data?.class_names ?? [];
    for (let k = 0; k < (map.classes || names.length); k++) {
      const s = document.createElement("span");
      s.className = "bv-class";
      const dot = document.createElement("i");
      dot.style.background = classColor(k);
      s.append(dot, names[k] ?? `class ${k}`);
      classes.append(s);
    }
    return;
  }
  if (neuron) drawLegend(legend, map.lo, map.hi, "value");
  else drawLegend(legend, -scale.half, scale.half, "ŷ", (v) => fmt(v + scale.centre, 3));
}
