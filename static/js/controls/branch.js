/**
 * The branch dialog: a new run from step k of this one (or, "same init, other setting", from step 0) with
 * the live settings changed: learning rate η, batch size, optimiser, momentum, regularisation and its rate λ,
 * each prefilled with this run's value. OK sends `branch` with the fields that differ; the page switches to
 * the new run when the server answers `branched` (socket.js). A refused value is said next to the dialog's
 * buttons, named as the page labels it.
 */

import { FIELD_LABELS, errorText, parseNumber } from "../fields.js";
import { fmtInt } from "../format.js";
import { button, h, label, setOptions } from "./dom.js";
import { modal } from "./modal.js";

/** [field, kind] of the dialog's settings, in the order they are shown. */
const FIELDS = [
  ["learning_rate", "number"],
  ["batch_size", "integer"],
  ["optimizer", "choice"],
  ["momentum", "number"],
  ["regularization", "choice"],
  ["regularization_rate", "number"],
];

/**
 * Mount the dialog into `root` (#branch-overlay).
 * @param {HTMLElement} root
 * @param {{get: Function, set: Function, subscribe: Function}} store
 * @param {{send: (msg: object) => void, cancelled: () => void}} o how to send, what to do on Cancel
 */
export function mountBranch(root, store, o) {
  const meta = store.get().meta ?? {};
  const choices = { optimizer: meta.optimizers ?? ["sgd", "momentum", "adam"], regularization: meta.regularizations ?? ["none", "l1", "l2"] };
  const title = h("h2", { id: "branch-title" });
  const text = h("p", { class: "dialog-text" });
  const inputs = {};
  const rows = FIELDS.map(([field, kind]) => {
    const id = `branch-${field.replaceAll("_", "-")}`;
    const input =
      kind === "choice"
        ? h("select", { id })
        : h("input", { id, type: "text", inputmode: "decimal", autocomplete: "off", spellcheck: "false" });
    if (kind === "choice") setOptions(input, choices[field].map((v) => [v, label(v)]));
    inputs[field] = input;
    return h("label", { class: "branch-field", for: id }, h("span", { class: "field-label" }, FIELD_LABELS[field]), input);
  });
  const error = h("p", { id: "branch-error", class: "dialog-error", role: "alert" });
  const ok = button("OK: branch", "Make the new run and switch to it", () => submit(), { id: "branch-ok", class: "primary" });
  const cancel = button("Cancel", "Close without branching (Esc)", () => close(), { id: "branch-cancel" });
  const form = h("div", { class: "branch-fields" }, ...rows);
  const card = h("div", { class: "dialog-card branch-card" }, title, text, form, error, h("div", { class: "dialog-buttons" }, cancel, ok));
  root.replaceChildren(card);
  card.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && e.target instanceof HTMLInputElement) {
      e.preventDefault();
      submit();
    }
  });
  inputs.optimizer.addEventListener("change", () => syncEnabled());
  inputs.regularization.addEventListener("change", () => syncEnabled());

  /** What the dialog was opened for: {step, reason, changes}. */
  let open = null;
  let pending = false;

  function close() {
    o.cancelled();
    store.set({ dialog: null });
  }

  function syncEnabled() {
    inputs.momentum.disabled = inputs.optimizer.value !== "momentum";
    inputs.regularization_rate.disabled = inputs.regularization.value === "none";
  }

  function values() {
    const cfg = store.get().session?.config ?? {};
    return { ...cfg, ...(open?.changes ?? {}) };
  }

  /** The fields that differ from the run's values, or an {field, message} error for a box that is not a number. */
  function changes() {
    const cfg = store.get().session?.config ?? {};
    const out = {};
    for (const [field, kind] of FIELDS) {
      const input = inputs[field];
      let v = input.value;
      if (kind !== "choice") {
        if (input.disabled) continue;
        const parsed = parseNumber(v);
        if (parsed.error || (kind === "integer" && !Number.isInteger(parsed.value))) {
          return { error: { field, message: `${FIELD_LABELS[field]} ${parsed.error ?? `${v} is not a whole number`}` } };
        }
        v = parsed.value;
      }
      if (v !== cfg[field]) out[field] = v;
    }
    return { changes: out };
  }

  function submit() {
    if (!open || pending) return;
    const c = changes();
    if (c.error) {
      error.textContent = c.error.message;
      inputs[c.error.field].focus();
      return;
    }
    error.textContent = "";
    pending = true;
    ok.disabled = true;
    o.send({ type: "branch", step: open.step, changes: c.changes, reason: open.reason });
  }

  // A refused branch: say why in the dialog (the toast says it too) and let the user correct it.
  store.subscribe(["error"], (s) => {
    if (!pending || !s.error) return;
    pending = false;
    ok.disabled = false;
    const { label: what, text: why } = errorText(s.error);
    error.textContent = what ? `${what}: ${why}` : why;
  });

  modal(root, store, "branch", {
    cancel: close,
    focus: () => inputs.learning_rate,
    render(d) {
      const first = open === null || open.step !== d.step || open.reason !== d.reason;
      open = d;
      pending = false;
      ok.disabled = false;
      const k = fmtInt(d.step);
      title.textContent = d.reason === "sibling" ? "Same initialisation, other setting" : `Branch a new run from step ${k}`;
      text.textContent =
        d.reason === "sibling"
          ? "A new run from step 0 with the same initial weights and these settings; this run is kept, and both can be compared."
          : `A new run that starts from this run's parameters at step ${k} with these settings; this run is kept as it is.`;
      if (!first) return;
      error.textContent = "";
      const v = values();
      for (const [field, kind] of FIELDS) {
        const value = v[field];
        inputs[field].value = value === undefined || value === null ? "" : String(value);
      }
      syncEnabled();
    },
  });
  store.subscribe(["dialog"], (s) => {
    if (s.dialog?.kind !== "branch") open = null;
  });
}
