/**
 * What the server offers (/api/meta, on <body data-meta>), read into the lists the pickers show:
 * names of activations, optimisers, initialisations, data sets, features and presets; the coherent
 * output/loss pairs and what targets each restricted loss needs; the limits.
 */

import { fmt } from "../format.js";

/** Names from a list of names, a list of {name, ...} or an object keyed by name. */
function names(x) {
  if (Array.isArray(x)) return x.map((v) => (typeof v === "string" ? v : v.name));
  if (x && typeof x === "object") return Object.keys(x);
  return [];
}

/** Entries {name, ...info} from a list of names, a list of objects or an object keyed by name. */
function entries(x) {
  if (Array.isArray(x)) return x.map((v) => (typeof v === "string" ? { name: v } : { ...v }));
  if (x && typeof x === "object") return Object.entries(x).map(([name, v]) => ({ name, ...(typeof v === "object" ? v : { title: v }) }));
  return [];
}

/** [output, loss] pairs from {output: [losses]} or [[output, loss]] or [{output, loss}]. */
function pairs(x) {
  if (Array.isArray(x)) {
    return x.map((p) => (Array.isArray(p) ? [p[0], p[1]] : [p.output ?? p.output_activation, p.loss]));
  }
  if (x && typeof x === "object") return Object.entries(x).flatMap(([out, losses]) => names(losses).map((l) => [out, l]));
  return [];
}

/**
 * The meta document as plain lists.
 * @param {object|null} meta
 */
export function describeMeta(meta) {
  const m = meta ?? {};
  return {
    activations: names(m.hidden_activations ?? m.activations),
    outputs: names(m.output_activations ?? m.outputs),
    pairs: pairs(m.coherent_pairs ?? m.pairs),
    targetRules: m.target_rules ?? {},
    optimizers: names(m.optimizers),
    inits: names(m.inits),
    regularizations: names(m.regularizations ?? ["none", "l1", "l2"]),
    datasets: entries(m.datasets),
    features: entries(m.features),
    presets: entries(m.presets),
    limits: m.limits ?? {},
    defaults: m.defaults ?? {},
  };
}

/**
 * Output/loss pairs that suit a data set: 3+ classes need one unit per class (softmax, sigmoid or ReLU);
 * regression has no softmax; two classes take any coherent pair.
 * @param {[string, string][]} all
 * @param {string} kind "classification" | "regression"
 * @param {number} nClasses
 */
export function suitablePairs(all, kind, nClasses) {
  return all.filter(([out]) => {
    if (kind === "regression") return out !== "softmax";
    if (nClasses > 2) return out === "softmax" || out === "sigmoid" || out === "relu";
    return true;
  });
}

/** Every number in a list of numbers or of rows. */
function numbersOf(values) {
  const out = [];
  for (const v of values ?? []) {
    if (Array.isArray(v)) out.push(...numbersOf(v));
    else if (typeof v === "number") out.push(v);
  }
  return out;
}

/**
 * Why `loss` cannot fit the targets of `data` (the server's target_rules: binary cross-entropy needs targets in
 * [0, 1], cross-entropy one-hot rows), or null when it can. Classes are encoded for the output, so only
 * regression values can break a rule.
 * @param {Record<string, {min: number, max: number, one_hot: boolean, needs: string}>} rules
 * @param {string} loss
 * @param {{kind?: string, labels?: unknown[]}|null|undefined} data
 */
export function unfitReason(rules, loss, data) {
  const rule = rules?.[loss];
  if (!rule || !data || data.kind !== "regression") return null;
  if (rule.one_hot) return `needs ${rule.needs}; these data are regression values`;
  const values = numbersOf(data.labels);
  if (values.length === 0) return null;
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (lo >= rule.min && hi <= rule.max) return null;
  return `needs ${rule.needs}; these range from ${fmt(lo)} to ${fmt(hi)}`;
}

/**
 * True when `actual` holds everything `expected` says: equal numbers, strings and arrays, and for objects
 * every key of `expected` (keys only `actual` has, such as a data kind the server filled in, are ignored).
 */
export function containsJSON(actual, expected) {
  if (actual === expected) return true;
  if (expected === null || typeof expected !== "object") return false;
  if (actual === null || typeof actual !== "object") return false;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((v, i) => containsJSON(actual[i], v));
  }
  return Object.keys(expected).every((k) => containsJSON(actual[k], expected[k]));
}

/** The preset whose every field the session's configuration still has, or null. */
export function matchingPreset(presets, config) {
  if (!config) return null;
  return presets.find((p) => p.config && containsJSON(config, p.config)) ?? null;
}
