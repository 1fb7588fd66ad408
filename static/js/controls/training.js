/**
 * The network and training row: hidden layers and neurons (+/−), activation, output/loss pair,
 * initialisation (rebuilds), and the live ones: optimiser (+ momentum), learning rate, batch size,
 * regularisation and its rate, dropout per hidden layer.
 */

import { FIELD_LABELS, bareField, effectiveBatch, errorText } from "../fields.js";
import { fmt } from "../format.js";
import { button, h, label, lossLabel, select, send, setOptions, setValue } from "./dom.js";
import { FRESH_PARAMETERS, rebuild } from "./data.js";
import { describeMeta, suitablePairs, unfitReason } from "./meta.js";
import { linearValues, logValues, slider } from "./sliders.js";
import { dropoutField } from "./dropout.js";

const REG_RATES = [0, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const MOMENTA = [0, 0.5, 0.8, 0.9, 0.95, 0.99, 0.999];
/** Neurons in a newly added hidden layer when there is none to copy. */
const NEW_LAYER_NEURONS = 2;

/** Change live hyperparameters (no reset). */
function setLive(changes) {
  send({ type: "set", changes });
}

/** "tanh · ½ sum of squares" */
function pairLabel([out, loss]) {
  return `${label(out)} · ${lossLabel(loss)}`;
}

/** Why the hidden-layer activation cannot be chosen (no hidden layer), or null. */
export function activationReason(cfg) {
  return (cfg?.hidden_layers?.length ?? 0) === 0
    ? "no hidden layer: add one to choose its activation (the output's is under Output · loss)"
    : null;
}

/**
 * The hidden-layer editor: layer count and each layer's neurons, each with − and + buttons.
 * @param {{get: Function}} store
 * @param {{max_hidden_layers?: number, max_neurons?: number}} limits
 */
function layerEditor(store, limits) {
  const maxLayers = limits.max_hidden_layers ?? 6;
  const maxNeurons = limits.max_neurons ?? 16;
  const root = h("div", { class: "field layers", id: "layers" });
  const layers = () => [...(store.get().session?.config?.hidden_layers ?? [])];
  const apply = (next, cfg) => {
    const config = { hidden_layers: next, ...FRESH_PARAMETERS };
    if (cfg?.layer_activations) config.layer_activations = null;
    rebuild(config);
  };

  function render(cfg) {
    const hl = cfg.hidden_layers;
    const count = h(
      "span",
      { class: "stepper", "aria-label": "hidden layers" },
      button("−", "Remove the last hidden layer", () => apply(layers().slice(0, -1), cfg), {
        id: "layers-minus",
        disabled: hl.length === 0,
      }),
      h("output", { id: "layer-count" }, String(hl.length)),
      button("+", "Add a hidden layer", () => {
        const l = layers();
        apply([...l, l.length > 0 ? l[l.length - 1] : NEW_LAYER_NEURONS], cfg);
      }, { id: "layers-plus", disabled: hl.length >= maxLayers }),
    );
    const perLayer = hl.map((n, i) =>
      h(
        "span",
        { class: "stepper neurons", dataset: { layer: String(i + 1) }, "aria-label": `neurons in hidden layer ${i + 1}` },
        button("−", `One neuron fewer in hidden layer ${i + 1}`, () => {
          const l = layers();
          l[i] -= 1;
          apply(l, cfg);
        }, { class: "neurons-minus", disabled: n <= 1 }),
        h("output", {}, String(n)),
        button("+", `One neuron more in hidden layer ${i + 1}`, () => {
          const l = layers();
          l[i] += 1;
          apply(l, cfg);
        }, { class: "neurons-plus", disabled: n >= maxNeurons }),
      ),
    );
    root.replaceChildren(h("span", { class: "field-label" }, "Hidden layers"), count, h("span", { class: "sep" }, ":"), ...perLayer);
  }
  return { el: root, render };
}

/**
 * Build the network and training row.
 * @param {{get: Function, set: Function, subscribe: Function}} store
 */
export function trainingRow(store) {
  const field = (text, el) => h("label", { class: "field" }, h("span", { class: "field-label" }, text), el);
  const meta = describeMeta(store.get().meta);
  const limits = meta.limits;
  const editor = layerEditor(store, limits);

  const activation = select("activation", meta.activations.map((a) => [a, label(a)]), (a) => rebuild({ activation: a, layer_activations: null }), "Activation g of the hidden layers");
  const outputLoss = select("output-loss", [], (v) => {
    const [out, loss] = v.split("|");
    rebuild({ output_activation: out, loss });
  }, "Output activation and loss (only pairs that go together)");
  const init = select("init", meta.inits.map((i) => [i, label(i)]), (i) => rebuild({ init: i, ...FRESH_PARAMETERS }), "How weights start (rebuilds)");
  const optimizer = select("optimizer", meta.optimizers.map((o) => [o, label(o)]), (o) => setLive({ optimizer: o }), "Optimiser (live)");
  const momentum = select("momentum", MOMENTA.filter((m) => m <= (limits.momentum_max ?? 0.999)).map((m) => [m, `β ${fmt(m)}`]), (m) => setLive({ momentum: Number(m) }), "Momentum β (live)");
  const regularization = select("regularization", meta.regularizations.map((r) => [r, label(r)]), (r) => setLive({ regularization: r }), "Regularisation on the weights (live)");

  const rate = slider({
    id: "learning-rate",
    label: FIELD_LABELS.learning_rate,
    title: "Learning rate η (live; log scale; type an exact value in the box)",
    values: logValues(limits.learning_rate_min ?? 1e-5, limits.learning_rate_max ?? 10),
    log: true,
    commit: (v) => setLive({ learning_rate: v }),
  });
  const batch = slider({
    id: "batch-size",
    label: FIELD_LABELS.batch_size,
    title: "Batch size (live)",
    values: linearValues(1, 30, 1),
    format: (v) => String(v),
    commit: (v) => setLive({ batch_size: Math.round(v) }),
  });
  const regRate = slider({
    id: "regularization-rate",
    label: FIELD_LABELS.regularization_rate,
    title: "Regularisation rate λ (live)",
    values: REG_RATES.filter((r) => r <= (limits.regularization_rate_max ?? 10)),
    log: true,
    commit: (v) => setLive({ regularization_rate: v }),
  });

  const activationField = field(FIELD_LABELS.activation, activation);
  const activationNote = h("span", { class: "field-note", id: "activation-reason", hidden: true });
  activationField.append(activationNote);
  // A rejected value typed into a box is said next to that box too (the toast says it as well).
  const boxes = { learning_rate: rate, batch_size: batch, regularization_rate: regRate };
  let lastError = null;

  store.subscribe(["session", "error"], (s) => {
    const cfg = s.session?.config;
    const data = s.session?.data;
    if (s.error && s.error !== lastError) {
      lastError = s.error;
      const box = boxes[bareField(s.error.field)];
      if (box) box.showError(errorText(s.error).text.replace(/^: /, "").trim()); // its label is right there
    }
    if (!cfg) return;
    editor.render(cfg);
    setValue(activation, cfg.activation);
    const noHidden = activationReason(cfg);
    activation.disabled = Boolean(noHidden);
    activationNote.hidden = !noHidden;
    activationNote.textContent = noHidden ? `(${noHidden})` : "";
    activationField.title = noHidden ? `Activation: ${noHidden}` : "Activation g of the hidden layers";
    const ok = suitablePairs(meta.pairs, data?.kind ?? "classification", data?.n_classes ?? 2);
    setOptions(outputLoss, ok.map((p) => [p.join("|"), pairLabel(p), unfitReason(meta.targetRules, p[1], data)]));
    setValue(outputLoss, `${cfg.output_activation}|${cfg.loss}`);
    setValue(init, cfg.init);
    setValue(optimizer, cfg.optimizer);
    setValue(momentum, cfg.momentum);
    momentum.parentElement.hidden = cfg.optimizer !== "momentum";
    setValue(regularization, cfg.regularization);
    rate.update(cfg.learning_rate);
    const train = data?.train_indices?.length ?? 30;
    batch.setValues(linearValues(1, Math.max(1, train), 1));
    batch.update(cfg.batch_size);
    const used = effectiveBatch(cfg, data);
    batch.setNote(used !== null && used !== cfg.batch_size ? `B = ${used} used (the whole training set)` : null);
    regRate.update(cfg.regularization_rate);
    regRate.setDisabled(cfg.regularization === "none");
  });

  return h(
    "div",
    { class: "bar bar-settings bar-training" },
    editor.el,
    activationField,
    field(FIELD_LABELS.output_activation, outputLoss),
    field(FIELD_LABELS.init, init),
    field(FIELD_LABELS.optimizer, optimizer),
    field(FIELD_LABELS.momentum, momentum),
    rate.el,
    batch.el,
    field(FIELD_LABELS.regularization, regularization),
    regRate.el,
    dropoutField(store, limits),
  );
}
