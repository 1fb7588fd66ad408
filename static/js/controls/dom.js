/**
 * Small DOM helpers for the controls: element creation, sending a message to the server through the
 * page's `bl:send` event, and display names for the engine's identifiers.
 */

/**
 * Create an element: h("button", {id: "x", onclick: fn, dataset: {a: 1}}, "text", child).
 * Attributes starting with "on" become listeners; `dataset` and `style` objects are merged in.
 * @param {string} tag
 * @param {object} [attrs]
 * @param {...(Node|string|null|undefined|false)} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "style") Object.assign(el.style, v);
    else if (k in el && typeof v !== "string") el[k] = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return el;
}

/** Set an element's text only when it differs (no layout work for an unchanged value). */
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/** Set (or with null, remove) a data-* attribute only when it differs. */
export function setData(el, key, value) {
  if (value === null || value === undefined) {
    if (key in el.dataset) delete el.dataset[key];
  } else if (el.dataset[key] !== String(value)) {
    el.dataset[key] = String(value);
  }
}

/** Ask main.js to send a client → server message (docs/protocol.md). */
export function send(msg) {
  document.dispatchEvent(new CustomEvent("bl:send", { detail: msg }));
}

/**
 * A button that does not keep the focus after a mouse click, so the keyboard shortcuts (space, arrows)
 * keep working after clicking it; keyboard users still reach it with Tab.
 */
export function button(label, title, onClick, attrs = {}) {
  return h(
    "button",
    { type: "button", title, onclick: onClick, onpointerdown: (e) => e.preventDefault(), ...attrs },
    label,
  );
}

/** A <select> of [value, label] options that gives the focus back to the page after a choice by mouse. */
export function select(id, options, onChange, title = "") {
  const el = h("select", { id, title });
  setOptions(el, options);
  // Chosen with the mouse, the focus goes back to the page; chosen with the arrow keys, it stays.
  let pointer = false;
  el.addEventListener("pointerdown", () => {
    pointer = true;
  });
  el.addEventListener("keydown", () => {
    pointer = false;
  });
  el.addEventListener("change", () => {
    onChange(el.value);
    if (pointer) el.blur();
    pointer = false;
  });
  return el;
}

/**
 * Replace a <select>'s options with [value, label] or [value, label, reason] entries, keeping the value when it
 * still exists. An entry with a reason is offered disabled, the reason written after its label.
 */
export function setOptions(el, options) {
  const keep = el.value;
  const text = ([, l, reason]) => (reason ? `${l} — ${reason}` : l);
  const same =
    el.options.length === options.length &&
    options.every((o, i) => el.options[i].value === String(o[0]) && el.options[i].text === text(o) && el.options[i].disabled === Boolean(o[2]));
  if (!same) {
    el.replaceChildren(
      ...options.map((o) => h("option", { value: String(o[0]), disabled: Boolean(o[2]), title: o[2] ? `Not available: ${o[2]}` : null }, text(o))),
    );
  }
  if (options.some(([v]) => String(v) === keep)) el.value = keep;
}

/** Set a select's value only when it is not being used, so a re-render never fights the user. */
export function setValue(el, value) {
  if (document.activeElement === el) return;
  const v = String(value);
  if (el.value !== v) el.value = v;
}

const NAMES = {
  // activations
  step: "step",
  sigmoid: "sigmoid",
  tanh: "tanh",
  relu: "ReLU",
  leaky_relu: "leaky ReLU",
  gelu: "GELU",
  linear: "linear",
  softmax: "softmax",
  // losses
  mse: "mean squared error (1/n)",
  half_sse: "½ sum of squares",
  sse: "sum of squares",
  bce: "binary cross-entropy",
  cross_entropy: "cross-entropy",
  // optimisers
  sgd: "SGD",
  momentum: "momentum",
  adam: "Adam",
  // inits
  zeros: "zeros",
  uniform: "uniform ±1/√fan-in",
  xavier: "Xavier/Glorot",
  he: "He",
  playground: "uniform ±0.5",
  // regularisation
  none: "none",
  l1: "L1",
  l2: "L2",
  // features
  x1: "x₁",
  x2: "x₂",
  x1_sq: "x₁²",
  x2_sq: "x₂²",
  x1x2: "x₁x₂",
  sin_x1: "sin x₁",
  sin_x2: "sin x₂",
};

/** Losses whose identifier also names something else (the L1 loss vs L1 regularisation). */
const LOSS_NAMES = { l1: "L1 sum of |ŷ − y|" };

/** Display name of an engine identifier (activation, loss, optimiser, init, feature, ...). */
export function label(name) {
  return NAMES[name] ?? String(name).replaceAll("_", " ");
}

/** Display name of a loss. */
export function lossLabel(name) {
  return LOSS_NAMES[name] ?? label(name);
}
