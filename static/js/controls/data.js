/**
 * The data row: preset, data set, input features, noise, train fraction, test points toggle and the
 * class (or value) of points added by clicking the decision boundary.
 */

import { fmt, fmtPercent } from "../format.js";
import { button, h, label, select, send, setOptions, setValue } from "./dom.js";
import { CONFIG_FIELDS } from "../session.js";
import { describeMeta, matchingPreset, suitablePairs } from "./meta.js";
import { linearValues, slider } from "./sliders.js";

const NOISE_STEP = 0.05;
/** The data set choice that opens the CSV import dialog (controls/csv-import.js). */
const CSV_CHOICE = "__csv";
const FRACTION_STEP = 0.1;
/** Values offered for added points on a regression data set. */
const REGRESSION_VALUES = [-1, -0.5, 0, 0.5, 1];

/** Rebuild with these configuration fields (the server keeps the others). */
export function rebuild(config) {
  send({ type: "rebuild", config });
}

/** Fields that drop explicit initial parameters, which no longer fit a changed architecture. */
export const FRESH_PARAMETERS = { weights: null, biases: null };

/** Fields a preset leaves out that must not linger from the session before it. */
const PRESET_RESETS = { ...FRESH_PARAMETERS, layer_activations: null, train_biases: true, drop_last: false, dropout: [], selected: 0 };

/**
 * The rebuild that turns any session into preset `p`: the defaults (for what it leaves out), then its fields.
 * @param {ReturnType<typeof describeMeta>} meta
 * @param {{config: object}} p
 */
export function presetRebuild(meta, p) {
  const defaults = Object.fromEntries(Object.entries(meta.defaults).filter(([k]) => CONFIG_FIELDS.includes(k)));
  return { ...defaults, ...PRESET_RESETS, ...p.config };
}

/**
 * The output/loss pair to switch to when the current one does not suit a new data set: softmax with
 * cross-entropy for several classes, a linear output for regression (keeping a squared loss), otherwise
 * the first suitable pair with the same loss.
 */
export function preferredPair(ok, info, loss) {
  const find = (out, l) => ok.find(([o, x]) => o === out && x === l);
  if ((info.n_classes ?? 2) > 2) return find("softmax", "cross_entropy") ?? ok[0];
  if (info.kind === "regression") return find("linear", loss) ?? find("linear", "half_sse") ?? ok[0];
  return ok.find(([, l]) => l === loss) ?? ok[0];
}

/**
 * Build the data row.
 * @param {{get: Function, set: Function, subscribe: Function}} store
 */
export function dataRow(store) {
  const meta = describeMeta(store.get().meta);
  const limits = meta.limits;

  const preset = select(
    "preset",
    [["", "—"], ...meta.presets.map((p) => [p.name, p.title ?? p.label ?? label(p.name)])],
    (name) => {
      const p = meta.presets.find((x) => x.name === name);
      if (p) {
        rebuild(presetRebuild(meta, p));
        about.show(p, store.get().ui.hideAnswers);
      }
    },
    "Start from a prepared example",
  );
  const about = presetAbout();

  const dataset = select(
    "dataset",
    meta.datasets.map((d) => [d.name, d.title ?? label(d.name)]),
    (name) => {
      if (name === CSV_CHOICE) {
        const current = store.get().session?.config?.dataset;
        setValue(dataset, typeof current === "string" ? current : "");
        store.set({ dialog: { kind: "csv" } });
        return;
      }
      const info = meta.datasets.find((d) => d.name === name) ?? {};
      const config = { dataset: name, ...FRESH_PARAMETERS };
      const cfg = store.get().session?.config ?? {};
      // The named regression sets take values of both signs: a loss with a target rule (BCE) cannot fit them.
      const restricted = (l) => info.kind === "regression" && Boolean(meta.targetRules[l]);
      const ok = suitablePairs(meta.pairs, info.kind ?? "classification", info.n_classes ?? 2).filter(([, l]) => !restricted(l));
      if (!ok.some(([o, l]) => o === cfg.output_activation && l === cfg.loss) && ok.length > 0) {
        const next = preferredPair(ok, info, cfg.loss);
        config.output_activation = next[0];
        config.loss = next[1];
      }
      rebuild(config);
    },
    "Data set",
  );

  const featureBoxes = meta.features.map((f) => {
    const box = h("input", { type: "checkbox", value: f.name, id: `feature-${f.name}` });
    box.addEventListener("change", () => {
      const chosen = featureBoxes.filter((b) => b.checked).map((b) => b.value);
      if (chosen.length === 0) {
        box.checked = true;
        store.set({ error: { field: "features", message: "at least one input feature is needed", at: Date.now() } });
        return;
      }
      rebuild({ features: chosen, ...FRESH_PARAMETERS });
    });
    return box;
  });
  const features = h(
    "fieldset",
    { class: "field features", id: "features" },
    h("legend", { class: "field-label" }, "Features"),
    ...featureBoxes.map((b, i) =>
      h("label", { class: "check", title: `input feature ${b.value}` }, b, meta.features[i].label ?? label(b.value)),
    ),
  );

  const noise = slider({
    id: "noise",
    short: true,
    label: "Noise",
    title: "Noise of the generated data (rebuilds the data)",
    values: linearValues(0, limits.noise_max ?? 0.5, NOISE_STEP),
    format: (v) => fmt(v, 3),
    commit: (v) => rebuild({ noise: v }),
  });
  const fraction = slider({
    id: "train-fraction",
    short: true,
    label: "Train",
    title: "Fraction of the examples used for training; the rest are test points (rebuilds the data)",
    values: linearValues(limits.train_fraction_min ?? 0.1, limits.train_fraction_max ?? 0.9, FRACTION_STEP),
    format: (v) => fmtPercent(v, 3),
    commit: (v) => rebuild({ train_fraction: v }),
  });

  // "Hide answers" (answers.js): the numbers of the phases not stepped yet stay hidden; H toggles it too.
  const hideAnswers = h("input", { type: "checkbox", id: "hide-answers" });
  hideAnswers.addEventListener("change", () => store.set({ ui: { ...store.get().ui, hideAnswers: hideAnswers.checked } }));
  const hideField = h("label", { class: "check field", title: "Hide the numbers of the phases not stepped yet, to ask the class first (h)" }, hideAnswers, "Hide answers");
  const showTest = h("input", { type: "checkbox", id: "show-test" });
  showTest.addEventListener("change", () => store.set({ ui: { ...store.get().ui, showTest: showTest.checked } }));
  const addClass = select("add-class", [], (v) => store.set({ ui: { ...store.get().ui, addClass: Number(v) } }), "Class of points added by clicking empty space in the decision boundary");

  const testField = h("label", { class: "check field", title: "Show the test points in the decision boundary" }, showTest, "Test points");
  const addField = h("label", { class: "field" }, h("span", { class: "field-label" }, "Add"), addClass);

  store.subscribe(["session", "error"], (s) => {
    const cfg = s.session?.config;
    const data = s.session?.data;
    if (!cfg) return;
    const custom = typeof cfg.dataset === "object";
    const csv = custom && typeof cfg.dataset.csv === "string";
    const named = meta.datasets.map((d) => [d.name, d.title ?? label(d.name)]);
    const current = matchingPreset(meta.presets, cfg);
    setValue(preset, current?.name ?? "");
    about.setPreset(current);
    preset.title = current ? `${current.title}: ${current.description ?? ""}` : "Start from a prepared example";
    if (custom) {
      setOptions(dataset, [["", csv ? `your CSV (${cfg.dataset.label})` : "custom rows"], ...named, [CSV_CHOICE, "Your CSV…"]]);
      setValue(dataset, "");
    } else {
      setOptions(dataset, [...named, [CSV_CHOICE, "Your CSV…"]]);
      setValue(dataset, cfg.dataset);
    }
    for (const b of featureBoxes) b.checked = cfg.features.includes(b.value);
    noise.update(cfg.noise);
    fraction.update(cfg.train_fraction);
    // Custom rows have their own inputs and no plane: the generated data's controls do not apply.
    // (a CSV file is split by the train fraction and has test points)
    for (const el of [features, noise.el, addField]) el.hidden = custom;
    for (const el of [fraction.el, testField]) el.hidden = custom && !csv;
    const classification = data?.kind !== "regression";
    const opts = classification
      ? (data?.class_names ?? ["class 0", "class 1"]).map((n, i) => [i, String(n)])
      : REGRESSION_VALUES.map((v) => [v, `value ${fmt(v)}`]);
    setOptions(addClass, opts);
    const want = s.ui.addClass;
    if (!opts.some(([v]) => v === want)) store.set({ ui: { ...s.ui, addClass: opts[opts.length - 1][0] } });
    else setValue(addClass, want);
  });
  store.subscribe(["ui"], (s) => {
    showTest.checked = Boolean(s.ui.showTest);
    hideAnswers.checked = Boolean(s.ui.hideAnswers);
    document.body.classList.toggle("hide-answers", Boolean(s.ui.hideAnswers));
    setValue(addClass, s.ui.addClass);
  });

  return h(
    "div",
    { class: "bar bar-settings bar-data" },
    h("span", { class: "field preset-field" }, h("label", { class: "field" }, h("span", { class: "field-label" }, "Preset"), preset), about.button, about.card),
    hideField,
    h("label", { class: "field" }, h("span", { class: "field-label" }, "Data"), dataset),
    features,
    noise.el,
    fraction.el,
    testField,
    addField,
  );
}

/**
 * The preset's description (app/api/presets.py) in full: an "About" button beside the picker opens a card with
 * the title and the description (also opened when a preset is chosen); ×, Esc or a click elsewhere closes it.
 * Descriptions name the results (lecture 004's 0.489): while answers are hidden, the text waits for "Show".
 */
function presetAbout() {
  const title = h("strong", { class: "preset-card-title" });
  const text = h("p", { class: "preset-card-text" });
  const reveal = button("Show", "Show the description, results included", () => {
    text.hidden = false;
    held.hidden = true;
  });
  const held = h("p", { class: "preset-card-text" }, "The description gives the results, and answers are hidden. ", reveal);
  const close = button("×", "Close", () => hide(), { class: "close", "aria-label": "Close the description" });
  const card = h("div", { id: "preset-description", class: "preset-card", role: "dialog", "aria-label": "About this preset", hidden: true }, close, title, text, held);
  const open = button("About", "What this preset shows", () => (card.hidden ? show(shown, document.body.classList.contains("hide-answers")) : hide()), {
    id: "btn-preset-about",
    "aria-expanded": "false",
    "aria-controls": "preset-description",
    disabled: true,
  });
  let shown = null;
  function fill(p) {
    title.textContent = p?.title ?? "";
    text.textContent = p?.description ?? "";
  }
  function show(p, hiding = false) {
    if (!p) return;
    shown = p;
    fill(p);
    text.hidden = hiding;
    held.hidden = !hiding;
    card.hidden = false;
    open.setAttribute("aria-expanded", "true");
  }
  function hide() {
    card.hidden = true;
    open.setAttribute("aria-expanded", "false");
  }
  function setPreset(p) {
    if (p?.name === shown?.name && p) return;
    shown = p;
    open.disabled = !p;
    if (p) fill(p);
    else hide();
  }
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") hide();
  });
  document.addEventListener("pointerdown", (e) => {
    if (!card.hidden && !card.contains(e.target) && e.target !== open) hide();
  });
  return { button: open, card, show, setPreset };
}
