/**
 * The page's names for the server's fields, in one place: every message that names a field (error toasts,
 * the note next to a number box) writes it as the control that sets it is labelled ("Learning rate η"),
 * never as its wire name ("changes.learning_rate"). Also the parsing of typed numbers, and the batch size
 * the engine uses.
 */

/** Wire field (without its "config." / "changes." / "body." prefix and list indices) → the page's label. */
export const FIELD_LABELS = {
  dataset: "Data",
  points: "Points",
  noise: "Noise",
  train_fraction: "Train",
  features: "Features",
  hidden_layers: "Hidden layers",
  activation: "Activation",
  layer_activations: "Activation",
  output_activation: "Output · loss",
  loss: "Output · loss",
  learning_rate: "Learning rate η",
  batch_size: "Batch",
  optimizer: "Optimiser",
  momentum: "Momentum",
  regularization: "Regularisation",
  regularization_rate: "Rate λ",
  init: "Init",
  bias_init: "Initial bias",
  seed: "Seed",
  shuffle: "Shuffle",
  drop_last: "Drop the last batch",
  train_biases: "Train biases",
  dropout: "Dropout",
  weights: "Weights",
  biases: "Biases",
  value: "Value",
  selected: "Traced example",
  example: "Traced example",
  index: "Point",
  x: "Point",
  x1: "Point x₁",
  x2: "Point x₂",
  label: "Add",
  speed: "Speed",
  count: "Steps",
  unit: "Step",
  layer: "Layer",
  row: "Neuron",
  col: "Input",
  origin: "Connection",
  message: "Message",
  frame: "Frame",
};

/** The bare field of a wire path: "changes.learning_rate" → "learning_rate", "hidden_layers[1]" → "hidden_layers". */
export function bareField(path) {
  const parts = String(path ?? "")
    .replace(/\[\d+\]/g, "")
    .split(".")
    .filter((p) => p && p !== "body" && p !== "config" && p !== "changes" && !/^\d+$/.test(p));
  return parts[0] ?? "";
}

/** The page's label of a wire field path, or null when it names nothing the page shows. */
export function fieldLabel(path) {
  if (!path) return null;
  const bare = bareField(path);
  return FIELD_LABELS[bare] ?? (bare ? bare.replaceAll("_", " ") : null);
}

/**
 * An error as the page writes it: {label, text}. A message that starts with the wire field ("changes.
 * learning_rate: must be …", "loss = 'bce' needs …") is rewritten to start with the label instead.
 */
export function errorText(err) {
  let message = String(err?.message ?? err ?? "");
  const field = err?.field ?? null;
  const label = fieldLabel(field);
  if (field) {
    for (const prefix of [`${field}: `, `${bareField(field)}: `]) {
      if (message.startsWith(prefix)) {
        message = message.slice(prefix.length);
        break;
      }
    }
  }
  if (!label) return { label: null, text: message };
  // "must be between …" reads on from the label; anything else after a colon
  return { label, text: /^(must|is|has|needs|cannot|should) /.test(message) ? ` ${message}` : `: ${message}` };
}

/**
 * Parse what a person types: "0.03", "3e-2", "−0.5" (true minus), "1,5" (decimal comma).
 * @returns {{value: number} | {error: string}}
 */
export function parseNumber(text) {
  const t = String(text).trim().replace(/\u2212/g, "-").replace(",", ".");
  if (t === "") return { error: "is empty: type a number" };
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return { error: `“${String(text).trim()}” is not a number` };
  const v = Number(t);
  return Number.isFinite(v) ? { value: v } : { error: `${t} is too large` };
}

/** The batch size the engine uses: the one asked for, at most the training set (then full batch). */
export function effectiveBatch(config, data) {
  const asked = Number(config?.batch_size);
  const n = data?.train_indices?.length;
  if (!Number.isFinite(asked)) return null;
  return Number.isFinite(n) && n > 0 ? Math.min(asked, n) : asked;
}
