/**
 * Live settings in words, for every view that names them (the loss curve's change marks, the timeline's
 * marks and runs, compare's legends): "η 0.03 → 0.3" for a change, "η = 0.003" for a branch's settings.
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
  dropout: "dropout p",
};

/** A setting's value as the page writes it: a number formatted, a switch on/off, nothing as —. */
export function valueText(v) {
  if (typeof v === "number") return fmt(v);
  if (typeof v === "boolean") return v ? "on" : "off";
  if (Array.isArray(v)) return v.length ? `(${v.map((x) => valueText(x)).join(", ")})` : "none";
  if (v === null || v === undefined) return "—";
  return String(v);
}

/** A batch size as used: "999 (= 250, the whole training set)" when it exceeds the training set. */
function batchValue(v, nTrain) {
  return typeof v === "number" && nTrain > 0 && v > nTrain ? `${fmt(v)} (= ${fmt(nTrain)}, all)` : valueText(v);
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
      const show = field === "batch_size" ? (v) => batchValue(v, nTrain) : valueText;
      return `${FIELD_NAMES[field] ?? field} ${show(from)} → ${show(to)}`;
    })
    .join("; ");
}

/** A branch's settings: {learning_rate: 0.003} or {learning_rate: [0.03, 0.003]} → "η 0.03 → 0.003" / "η = 0.003". */
export function settingsText(changes) {
  const entries = Object.entries(changes ?? {});
  if (entries.length === 0) return "same settings";
  if (entries.every(([, v]) => Array.isArray(v))) return changeText(changes);
  return entries.map(([f, v]) => `${FIELD_NAMES[f] ?? f} = ${valueText(Array.isArray(v) ? v[1] : v)}`).join(", ");
}
