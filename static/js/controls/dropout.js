/**
 * Dropout rates, one slider per hidden layer ("Dropout, layer l"), live: a change applies from the next
 * iteration and is logged like the learning rate. The session's `dropout` is [] (none) or one rate per
 * hidden layer; moving one layer's slider sends the whole list (the other layers at 0 when it was []).
 */

import { bareField, errorText } from "../fields.js";
import { fmt } from "../format.js";
import { h, send } from "./dom.js";
import { linearValues, slider } from "./sliders.js";

/** Above this many hidden layers the rates are boxes only (no sliders). */
const COMPACT_ABOVE = 2;

/** The rate of hidden layer i (0-based) in a config: 0 without dropout. */
export function dropoutRate(cfg, i) {
  return cfg?.dropout?.[i] ?? 0;
}

/**
 * The dropout field: its sliders follow the number of hidden layers.
 * @param {{subscribe: Function}} store
 * @param {{dropout_max?: number}} limits
 */
export function dropoutField(store, limits) {
  const max = limits.dropout_max ?? 0.9;
  const values = linearValues(0, max, 0.05).map((v) => Math.round(v * 100) / 100);
  const root = h("span", { class: "dropout-rates", id: "dropout-rates", title: "Inverted dropout: each hidden unit is dropped with probability p per example in training (live)" });
  let sliders = [];
  let rates = [];
  let lastError = null;

  function build(count) {
    sliders = Array.from({ length: count }, (_, i) =>
      slider({
        id: `dropout-${i + 1}`,
        label: `Dropout, layer ${i + 1}`,
        title: `Dropout rate p of hidden layer ${i + 1}: a = m ⊙ g(z)/(1 − p), m ~ Bernoulli(1 − p) (live; 0 = off)`,
        values,
        short: true,
        format: (v) => fmt(v, 3),
        commit: (v) => {
          const next = Array.from({ length: count }, (_, j) => rates[j] ?? 0);
          next[i] = v;
          send({ type: "set", changes: { dropout: next } });
        },
      }),
    );
    // Many hidden layers: one "Dropout p, layer" label and a box per layer (its number), no sliders, so the
    // controls keep their rows.
    const many = count > COMPACT_ABOVE;
    root.classList.toggle("many", many);
    if (many) sliders.forEach((s, i) => (s.el.querySelector(".field-label").textContent = String(i + 1)));
    root.replaceChildren(...(many ? [h("span", { class: "field-label" }, "Dropout p, layer")] : []), ...sliders.map((s) => s.el));
    root.hidden = count === 0;
  }

  store.subscribe(["session", "error"], (s) => {
    const cfg = s.session?.config;
    if (s.error && s.error !== lastError) {
      lastError = s.error;
      const match = /dropout(?:[.[](\d+)\]?)?$/.exec(String(s.error.field ?? ""));
      if (match && bareField(s.error.field) === "dropout") {
        const target = sliders[Number(match[1] ?? 0)];
        if (target) target.showError(errorText(s.error).text.replace(/^: /, "").trim());
      }
    }
    if (!cfg) return;
    const count = cfg.hidden_layers?.length ?? 0;
    if (count !== sliders.length) build(count);
    rates = Array.from({ length: count }, (_, i) => dropoutRate(cfg, i));
    sliders.forEach((s, i) => s.update(rates[i]));
  });
  return root;
}
