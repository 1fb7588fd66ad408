/**
 * Marks for live hyperparameter changes on the loss curve: a dotted vertical line at the step of each change
 * and a label naming what changed, e.g. "η 0.03 → 0.3".
 */

import { fmt } from "../../format.js";

/** How each live field is named on the curve (the lectures' symbols where they have one). */
export const FIELD_NAMES = {
  learning_rate: "η",
  batch_size: "B",
  regularization_rate: "λ",
  regularization: "regularisation",
  momentum: "μ",
  optimizer: "optimiser",
  train_biases: "train biases",
  shuffle: "shuffle",
  drop_last: "drop last",
};

function value(v) {
  if (typeof v === "number") return fmt(v);
  if (typeof v === "boolean") return v ? "on" : "off";
  if (v === null || v === undefined) return "—";
  return String(v);
}

/** A batch size as used: "999 (= 250, the whole training set)" when it exceeds the training set. */
function batchValue(v, nTrain) {
  return typeof v === "number" && nTrain > 0 && v > nTrain ? `${fmt(v)} (= ${fmt(nTrain)}, all)` : value(v);
}

/**
 * The text of one change: {learning_rate: [0.03, 0.3]} → "η 0.03 → 0.3" (several fields joined by "; ").
 * @param {Record<string, [unknown, unknown]>} changes
 * @param {number} [nTrain] training examples: a batch size above it is shown with the one used
 */
export function changeText(changes, nTrain = 0) {
  return Object.entries(changes ?? {})
    .map(([field, pair]) => {
      const [from, to] = Array.isArray(pair) ? pair : [undefined, pair];
      const show = field === "batch_size" ? (v) => batchValue(v, nTrain) : value;
      return `${FIELD_NAMES[field] ?? field} ${show(from)} → ${show(to)}`;
    })
    .join("; ");
}

/**
 * plotly shapes and annotations for every change mark.
 * @param {{step: number, changes: object}[]} changes
 * @param {number} font
 * @param {number} [nTrain] training examples (a batch size above it is full batch)
 */
export function marksLayout(changes, font, nTrain = 0) {
  const shapes = [];
  const annotations = [];
  for (const c of changes) {
    shapes.push({
      type: "line",
      xref: "x",
      yref: "paper",
      x0: c.step,
      x1: c.step,
      y0: 0,
      y1: 1,
      line: { color: "rgba(60, 60, 60, 0.7)", width: 1, dash: "dot" },
    });
    annotations.push({
      x: c.step,
      xref: "x",
      y: 1,
      yref: "paper",
      text: changeText(c.changes, nTrain),
      showarrow: false,
      textangle: -90,
      xanchor: "right",
      yanchor: "top",
      font: { size: Math.max(9, font - 1), color: "rgb(50, 50, 50)" },
      bgcolor: "rgba(255, 255, 255, 0.75)",
    });
  }
  return { shapes, annotations };
}
