/**
 * The descent view's controls: f(x, y) (a preset or typed), the start point, the learning rate η on a log
 * slider with lecture 002's rates as buttons, the number of steps, and the transport (reset, step, play,
 * end). Each control reports through `onChange(partial)`; errors are written next to the field they name.
 */

import { parseNumber } from "../../fields.js";
import { el } from "../shared/view-frame.js";

/** The slider's positions: log10 η in steps of 1/SLIDER_STEPS_PER_DECADE. */
const SLIDER_STEPS_PER_DECADE = 100;

/** A labelled row: the label, the control(s), and an error line (`#<id>-error`, role alert) under them. */
function field(id, label, ...controls) {
  const row = el("div", "dv-field");
  const lab = el("label", "dv-label", label);
  lab.htmlFor = id;
  const body = el("div", "dv-controls");
  body.append(...controls);
  const error = el("div", "dv-error");
  error.id = `${id}-error`;
  error.setAttribute("role", "alert");
  row.append(lab, body, error);
  return { row, error };
}

function input(id, className, value, size) {
  const box = document.createElement("input");
  box.id = id;
  box.className = className;
  box.type = "text";
  box.value = value;
  box.spellcheck = false;
  box.autocomplete = "off";
  if (size) box.size = size;
  return box;
}

function button(id, text, title) {
  const b = el("button", "dv-button", text);
  b.type = "button";
  b.id = id;
  if (title) b.title = title;
  return b;
}

/**
 * Build the controls into `parent`.
 * @param {HTMLElement} parent
 * @param {{functions: object[], lecture_rates: number[], limits: object}} meta /api/descent/functions
 * @param {object} initial {function, start, learning_rate, steps}
 * @param {{onChange: (partial: object) => void, onTransport: (action: string) => void}} hooks
 */
export function buildControls(parent, meta, initial, hooks) {
  const { limits } = meta;
  const errors = {};

  // f(x, y): a preset picker and the text box it fills (typing makes it "your own")
  const picker = document.createElement("select");
  picker.id = "descent-preset";
  picker.className = "dv-select";
  for (const preset of meta.functions) {
    const option = new Option(preset.title, preset.name);
    picker.append(option);
  }
  picker.append(new Option("Your own f(x, y)", ""));
  const fn = input("descent-function", "dv-function", initial.function);
  fn.setAttribute("aria-describedby", "descent-function-error");
  const fnField = field("descent-function", "f(x, y)", picker, fn);
  errors.function = fnField.error;
  const note = el("p", "dv-note");
  note.id = "descent-note";

  // the start point x_0
  const sx = input("descent-start-x", "dv-number", String(initial.start[0]), 7);
  const sy = input("descent-start-y", "dv-number", String(initial.start[1]), 7);
  sx.setAttribute("aria-label", "start x₀");
  sy.setAttribute("aria-label", "start y₀");
  const startField = field("descent-start-x", "start (x₀, y₀)", sx, sy, el("span", "dv-hint", "or click the plot"));
  errors.start = startField.error;

  // η: a log slider, the exact value's box, lecture 002's rates
  const lo = Math.log10(limits.learning_rate_min);
  const hi = Math.log10(limits.learning_rate_max);
  const slider = document.createElement("input");
  slider.type = "range";
  slider.id = "descent-eta-slider";
  slider.className = "dv-slider";
  slider.min = String(Math.round(lo * SLIDER_STEPS_PER_DECADE));
  slider.max = String(Math.round(hi * SLIDER_STEPS_PER_DECADE));
  slider.step = "1";
  slider.setAttribute("aria-label", "learning rate η (logarithmic)");
  const eta = input("descent-eta", "dv-number", String(initial.learning_rate), 9);
  const rates = el("div", "dv-rates");
  for (const rate of meta.lecture_rates) {
    const b = button(`descent-rate-${String(rate).replace(".", "_")}`, `η = ${rate}`, `Lecture 002's learning rate ${rate}`);
    b.dataset.rate = String(rate);
    b.addEventListener("click", () => setEta(rate, true));
    rates.append(b);
  }
  const etaField = field("descent-eta", "learning rate η", slider, eta);
  errors.learning_rate = etaField.error;

  // steps
  const steps = input("descent-steps", "dv-number", String(initial.steps), 5);
  const stepsField = field("descent-steps", "steps", steps, el("span", "dv-hint", `at most ${limits.max_steps}`));
  errors.steps = stepsField.error;

  // transport
  const transport = el("div", "dv-transport");
  const reset = button("descent-reset", "↺ Reset", "Back to the start x₀");
  const step = button("descent-step", "Step ▶", "One step: x ← x − η∇f(x)");
  const play = button("descent-play", "Play", "Take the steps one after another");
  const end = button("descent-end", "End ⇥", "The whole path");
  const speed = document.createElement("select");
  speed.id = "descent-speed";
  speed.className = "dv-select dv-speed";
  speed.setAttribute("aria-label", "steps per tick while playing");
  for (const n of [1, 5, 25]) speed.append(new Option(`${n} step${n > 1 ? "s" : ""} / tick`, String(n)));
  const position = el("span", "dv-position");
  position.id = "descent-position";
  position.setAttribute("aria-live", "polite");
  transport.append(reset, step, play, end, speed, position);
  reset.addEventListener("click", () => hooks.onTransport("reset"));
  step.addEventListener("click", () => hooks.onTransport("step"));
  play.addEventListener("click", () => hooks.onTransport("play"));
  end.addEventListener("click", () => hooks.onTransport("end"));

  parent.append(fnField.row, note, startField.row, etaField.row, rates, stepsField.row, transport);

  function sliderOf(value) {
    return String(Math.round(Math.log10(value) * SLIDER_STEPS_PER_DECADE));
  }
  slider.value = sliderOf(initial.learning_rate);

  function setEta(value, exact) {
    eta.value = String(value);
    slider.value = sliderOf(value);
    for (const b of rates.children) b.setAttribute("aria-pressed", String(Number(b.dataset.rate) === value));
    if (exact) hooks.onChange({ learning_rate: value });
  }

  slider.addEventListener("input", () => {
    const value = Number((10 ** (Number(slider.value) / SLIDER_STEPS_PER_DECADE)).toPrecision(3));
    setEta(value, false);
    hooks.onChange({ learning_rate: value });
  });

  /** A typed number: sent when it parses, else the reason next to the field. */
  function numberFrom(box, key, label) {
    const parsed = parseNumber(box.value);
    if ("error" in parsed) {
      showError(key, `${label} ${parsed.error}`);
      return null;
    }
    return parsed.value;
  }

  eta.addEventListener("change", () => {
    const value = numberFrom(eta, "learning_rate", "learning rate η");
    if (value !== null) setEta(value, true);
  });
  const startChanged = () => {
    const x = numberFrom(sx, "start", "start x₀");
    const y = x === null ? null : numberFrom(sy, "start", "start y₀");
    if (x !== null && y !== null) hooks.onChange({ start: [x, y] });
  };
  sx.addEventListener("change", startChanged);
  sy.addEventListener("change", startChanged);
  steps.addEventListener("change", () => {
    const value = numberFrom(steps, "steps", "steps");
    if (value !== null) hooks.onChange({ steps: value });
  });
  fn.addEventListener("change", () => {
    picker.value = meta.functions.find((p) => p.function === fn.value.trim())?.name ?? "";
    hooks.onChange({ function: fn.value.trim(), preset: picker.value || null });
  });
  picker.addEventListener("change", () => {
    const preset = meta.functions.find((p) => p.name === picker.value);
    if (!preset) {
      fn.focus();
      return;
    }
    fn.value = preset.function;
    sx.value = String(preset.start[0]);
    sy.value = String(preset.start[1]);
    steps.value = String(preset.steps);
    setEta(preset.learning_rate, false);
    const { function: text, start, learning_rate, steps: n } = preset;
    hooks.onChange({ function: text, start, learning_rate, steps: n, preset: preset.name });
  });

  function showError(key, text) {
    const node = errors[key] ?? errors.function;
    node.textContent = text;
    const boxes = { function: [fn], start: [sx, sy], learning_rate: [eta], steps: [steps] }[key] ?? [];
    for (const box of boxes) box.setAttribute("aria-invalid", "true");
  }

  return {
    showError,
    clearErrors() {
      for (const node of Object.values(errors)) node.textContent = "";
      for (const box of [fn, sx, sy, eta, steps]) box.removeAttribute("aria-invalid");
    },
    /** The start point set by a click on the plot. */
    setStart(x, y) {
      sx.value = String(Number(x.toPrecision(4)));
      sy.value = String(Number(y.toPrecision(4)));
      return [Number(sx.value), Number(sy.value)];
    },
    setPreset(name) {
      picker.value = name ?? "";
      const preset = meta.functions.find((p) => p.name === name);
      note.textContent = preset?.note ?? "";
    },
    setEta,
    /** The transport's state: step t of n, playing or not, at the end or not. */
    setTransport(t, last, playing) {
      position.textContent = `step ${t} of ${last}`;
      play.textContent = playing ? "Pause" : "Play";
      play.setAttribute("aria-pressed", String(playing));
      step.disabled = t >= last;
      end.disabled = t >= last;
    },
    speed: () => Number(speed.value),
  };
}
