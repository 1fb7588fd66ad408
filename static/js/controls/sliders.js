/**
 * Sliders over lists of values (log-spaced where the quantity spans decades), each with a text box that
 * shows the exact value in use and accepts a typed one. Changes apply on release, so dragging sends one
 * change (one mark on the loss curve), not hundreds.
 */

import { parseNumber } from "../fields.js";
import { fmt } from "../format.js";
import { h } from "./dom.js";

const MANTISSAS = [1, 1.5, 2, 3, 5, 7];

/** Log-spaced "nice" values from lo to hi (both powers of ten): 1e-5, 1.5e-5, 2e-5, 3e-5, ... 10. */
export function logValues(lo, hi) {
  const out = [];
  for (let e = Math.round(Math.log10(lo)); e < Math.round(Math.log10(hi)); e++) {
    for (const m of MANTISSAS) out.push(Number((m * 10 ** e).toPrecision(3)));
  }
  out.push(hi);
  return out;
}

/** Evenly spaced values lo..hi by step, rounded to the step's decimals. */
export function linearValues(lo, hi, step) {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  const out = [];
  for (let i = 0; lo + i * step <= hi + step / 1e6; i++) out.push(Number((lo + i * step).toFixed(decimals)));
  return out;
}

/** Index of the list value nearest to v (by ratio for log lists, by difference otherwise). */
function nearestIndex(values, v, log) {
  let best = 0;
  let bestD = Infinity;
  values.forEach((x, i) => {
    const d = log && x > 0 && v > 0 ? Math.abs(Math.log(x / v)) : Math.abs(x - v);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}

/**
 * A labelled slider with an exact-value box.
 * @param {object} o
 * @param {string} o.id element id of the range input (the text box gets id + "-value")
 * @param {string} o.label
 * @param {string} o.title tooltip
 * @param {number[]} o.values the positions
 * @param {boolean} [o.log] positions are log-spaced
 * @param {boolean} [o.short] a narrow value box (for values of a few characters)
 * @param {(v: number) => string} [o.format] how the box shows a value
 * @param {(v: number) => void} o.commit called with the chosen or typed value
 * @returns {{el: HTMLElement, update: (v: number) => void, setValues: (values: number[]) => void, setDisabled: (d: boolean) => void, showError: (text: string|null) => void, setNote: (text: string|null) => void}}
 */
export function slider(o) {
  let values = o.values;
  const format = o.format ?? ((v) => fmt(v, 6));
  const range = h("input", {
    type: "range",
    id: o.id,
    min: "0",
    max: String(values.length - 1),
    step: "1",
    "aria-label": o.label,
  });
  const box = h("input", {
    type: "text",
    id: `${o.id}-value`,
    class: "value",
    inputmode: "decimal",
    spellcheck: "false",
    "aria-label": `${o.label} (exact value)`,
  });
  let current = null;
  range.addEventListener("input", () => {
    box.value = format(values[Number(range.value)]);
  });
  // After a drag the page's shortcuts get the keyboard back; moved with the arrow keys it keeps the focus.
  let dragged = false;
  range.addEventListener("pointerdown", () => {
    dragged = true;
  });
  range.addEventListener("change", () => {
    showError(null);
    o.commit(values[Number(range.value)]);
    if (dragged) range.blur();
    dragged = false;
  });
  // What is wrong with a typed value, said next to the box (role=alert: read out too), until the next try.
  const problem = h("span", { class: "field-error", id: `${o.id}-error`, role: "alert", hidden: true });
  box.setAttribute("aria-describedby", problem.id);
  function showError(text) {
    problem.hidden = !text;
    problem.textContent = text ?? "";
    if (text) box.setAttribute("aria-invalid", "true");
    else box.removeAttribute("aria-invalid");
    el.classList.toggle("invalid", Boolean(text));
  }
  const fromBox = () => {
    const parsed = parseNumber(box.value);
    if ("error" in parsed) {
      showError(`${o.label} ${parsed.error}`); // the typed text stays, so it can be corrected
      return;
    }
    showError(null);
    if (parsed.value !== current) o.commit(parsed.value);
    else if (current !== null) box.value = format(current);
  };
  box.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      // Leaving the box fires "change" once, which commits the typed value.
      box.blur();
    } else if (e.key === "Escape") {
      showError(null);
      if (current !== null) box.value = format(current);
      box.blur();
    }
  });
  box.addEventListener("change", fromBox);
  // A remark about the value in use (e.g. the batch size the engine takes), after the box.
  const remark = h("span", { class: "field-note", id: `${o.id}-note`, hidden: true });
  const el = h("label", { class: o.short ? "field slider short" : "field slider", title: o.title }, h("span", { class: "field-label" }, o.label), range, box, remark, problem);
  function setNote(text) {
    remark.hidden = !text;
    if (remark.textContent !== (text ?? "")) remark.textContent = text ?? "";
  }

  function update(v) {
    if (v === null || v === undefined) return;
    current = v;
    if (document.activeElement !== range) range.value = String(nearestIndex(values, v, o.log));
    if (document.activeElement !== box) box.value = format(v);
  }
  function setValues(next) {
    if (next.length === values.length && next.every((x, i) => x === values[i])) return;
    values = next;
    range.max = String(values.length - 1);
    if (current !== null) update(current);
  }
  function setDisabled(d) {
    range.disabled = d;
    box.disabled = d;
    el.classList.toggle("disabled", d);
  }
  return { el, update, setValues, setDisabled, showError, setNote };
}
