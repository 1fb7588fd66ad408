/**
 * The small in-place editor for one weight or bias: type a number, Enter sends set_weight / set_bias
 * (through the page's `bl:send` event), Escape or a click elsewhere closes it.
 */

import { parseNumber } from "../../fields.js";
import { biasText, weightText } from "../shared/notation.js";

/**
 * Create the editor inside `stage` (positioned relative to it).
 * @param {HTMLElement} stage
 * @returns {{open: (target: object, value: number, x: number, y: number) => void, close: () => void}}
 *   target: {kind, layer, row, col?, name} (name: the parameter as paramName writes it)
 */
export function createEditor(stage) {
  const box = document.createElement("form");
  box.className = "nv-editor";
  box.hidden = true;
  const label = document.createElement("label");
  const input = document.createElement("input");
  input.type = "text";
  input.inputMode = "decimal";
  input.autocomplete = "off";
  input.spellcheck = false;
  input.size = 9;
  const hint = document.createElement("span");
  hint.className = "nv-editor-hint";
  hint.textContent = "Enter ↵";
  label.append(document.createElement("span"), input);
  box.append(label, hint);
  stage.append(box);
  let target = null;

  function close() {
    box.hidden = true;
    target = null;
    input.classList.remove("invalid");
    hint.textContent = "Enter ↵";
  }

  function open(t, value, x, y) {
    target = t;
    label.firstChild.textContent = `${t.name} = `;
    input.value = String(value);
    input.classList.remove("invalid");
    box.hidden = false;
    const maxX = stage.clientWidth - box.offsetWidth - 4;
    const maxY = stage.clientHeight - box.offsetHeight - 4;
    box.style.left = `${Math.max(4, Math.min(x, maxX))}px`;
    box.style.top = `${Math.max(4, Math.min(y, maxY))}px`;
    input.focus();
    input.select();
  }

  box.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (!target) return;
    const parsed = parseNumber(input.value);
    if ("error" in parsed) {
      input.classList.add("invalid");
      input.setAttribute("aria-invalid", "true");
      hint.textContent = `${target.name} ${parsed.error}`; // said next to the box, not only in red
      hint.setAttribute("role", "alert");
      return;
    }
    const value = parsed.value;
    input.removeAttribute("aria-invalid");
    const msg =
      target.kind === "weight"
        ? { type: "set_weight", layer: target.layer, row: target.row, col: target.col, value }
        : { type: "set_bias", layer: target.layer, row: target.row, value };
    document.dispatchEvent(new CustomEvent("bl:send", { detail: msg }));
    close();
  });
  input.addEventListener("keydown", (ev) => {
    ev.stopPropagation(); // typing a number must not trigger the page's shortcuts
    if (ev.key === "Escape") close();
  });
  input.addEventListener("blur", () => {
    // Let a click on the form itself keep it open; anything else closes it.
    setTimeout(() => {
      if (!box.contains(document.activeElement)) close();
    }, 0);
  });
  return { open, close };
}

/**
 * A parameter's name in the lectures' notation, 1-based: W²₁₃ (row 1, column 3 of W²) or w⁽²⁾₃₁ as the
 * notation ("rows" or "columns", notation.js) writes it, b²₁.
 */
export function paramName(notation, kind, layer, row, col = null) {
  if (kind !== "weight") return biasText(layer, row + 1);
  return weightText(notation, layer, row + 1, col + 1);
}
