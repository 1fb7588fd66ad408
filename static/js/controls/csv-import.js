/**
 * The CSV import dialog ("Your CSV…" in the data set choice): paste a file or choose one, pick the label
 * column, see the first rows and the first problem (by row and column, as the server names them), then
 * "Use this data" rebuilds the session on it (dataset {csv, label}: app/engine/csvdata.py), with an
 * output and a loss that suit its classes or values. The server's refusal is shown in the dialog.
 */

import { checkRows, csvRows, isNumber } from "./csv-read.js";
import { FRESH_PARAMETERS, preferredPair, rebuild } from "./data.js";
import { button, h, setOptions } from "./dom.js";
import { describeMeta, suitablePairs } from "./meta.js";
import { modal } from "./modal.js";

const PREVIEW_ROWS = 6;

/** kind and class count of the label column, as the server will read it. */
function labelKind(check, maxOutputs) {
  if (check.classes.length) return { kind: "classification", n_classes: check.classes.length };
  const target = check.header.indexOf(check.label);
  const values = check.data.map((r) => Number(r.cells[target]));
  const integral = values.every((v) => Number.isInteger(v) && v >= 0 && v < maxOutputs);
  const distinct = new Set(values).size;
  return integral && distinct >= 2 ? { kind: "classification", n_classes: Math.max(...values) + 1 } : { kind: "regression", n_classes: 0 };
}

/**
 * Mount the dialog into `root` (#csv-overlay).
 * @param {HTMLElement} root
 * @param {{get: Function, set: Function, subscribe: Function}} store
 */
export function mountCsvImport(root, store) {
  const meta = describeMeta(store.get().meta);
  const limits = meta.limits;
  const maxBytes = limits.max_csv_bytes ?? 200 * 1024;
  const maxRows = limits.max_custom_rows ?? 1000;
  const text = h("textarea", { id: "csv-text", rows: 8, spellcheck: "false", "aria-label": "CSV text", placeholder: "x1,x2,label\n0.5,-1.2,red\n…" });
  const file = h("input", { id: "csv-file", type: "file", accept: ".csv,text/csv,text/plain" });
  const label = h("select", { id: "csv-label", "aria-label": "Label column" });
  const summary = h("p", { id: "csv-summary", class: "dialog-text" });
  const preview = h("div", { id: "csv-preview", class: "csv-preview" });
  const error = h("p", { id: "csv-error", class: "dialog-error", role: "alert" });
  const use = button("Use this data", "Rebuild the network on these rows", () => submit(), { id: "csv-use", class: "primary" });
  const cancel = button("Cancel", "Close without importing (Esc)", () => store.set({ dialog: null }), { id: "csv-cancel" });
  const card = h(
    "div",
    { class: "dialog-card csv-card" },
    h("h2", { id: "csv-title" }, "Your CSV"),
    h("p", { class: "dialog-text" }, `A header row, then one example per row: the input columns and a label column (class names, class numbers or values). At most ${maxRows} rows, ${Math.round(maxBytes / 1024)} KB.`),
    text,
    h("div", { class: "csv-row" }, h("label", { class: "field" }, h("span", { class: "field-label" }, "File"), file), h("label", { class: "field" }, h("span", { class: "field-label" }, "Label column"), label)),
    summary,
    preview,
    error,
    h("div", { class: "dialog-buttons" }, cancel, use),
  );
  root.replaceChildren(card);
  let check = null;
  let sent = null;
  let before = null; // the error shown before sending: a newer one is the answer

  function refresh() {
    const rows = csvRows(text.value);
    const header = rows[0]?.cells ?? [];
    const chosen = header.includes(label.value) ? label.value : header[header.length - 1] ?? "";
    setOptions(label, header.map((c) => [c, c]));
    label.value = chosen;
    check = { ...checkRows(rows, chosen, maxRows), label: chosen };
    const bytes = new TextEncoder().encode(text.value).length;
    if (bytes > maxBytes) check.problem = `the text is ${Math.round(bytes / 1024)} KB, over the ${Math.round(maxBytes / 1024)} KB limit`;
    error.textContent = text.value.trim() ? check.problem ?? "" : "";
    use.disabled = !text.value.trim() || Boolean(check.problem);
    drawPreview(rows.slice(0, PREVIEW_ROWS + 1), header.indexOf(chosen));
    if (!check.problem && check.data) {
      const what = labelKind(check, limits.max_outputs ?? 10);
      const fraction = store.get().session?.config?.train_fraction ?? 0.5;
      const inputs = check.header.length - 1;
      const classes = what.kind === "regression" ? "values to fit (regression)" : `${what.n_classes} classes${check.classes.length ? `: ${check.classes.slice(0, 6).join(", ")}${check.classes.length > 6 ? ", …" : ""}` : ""}`;
      summary.textContent = `${check.data.length} examples, ${inputs} input${inputs === 1 ? "" : "s"}, ${classes}. ${Math.round(fraction * 100)}% train, the rest test (the Train slider).`;
    } else summary.textContent = "";
  }

  function drawPreview(rows, target) {
    if (!rows.length) {
      preview.replaceChildren();
      return;
    }
    const head = h("tr", {}, h("th", {}, "row"), ...rows[0].cells.map((c, i) => h("th", { class: i === target ? "csv-label" : "" }, c)));
    const body = rows.slice(1).map((r) => h("tr", {}, h("td", {}, String(r.line)), ...r.cells.map((c, i) => h("td", { class: i === target ? "csv-label" : i !== target && !isNumber(c) ? "csv-bad" : "" }, c))));
    preview.replaceChildren(h("table", { class: "csv-table" }, h("thead", {}, head), h("tbody", {}, ...body)));
  }

  function submit() {
    refresh();
    if (!check || check.problem) return;
    const what = labelKind(check, limits.max_outputs ?? 10);
    const cfg = store.get().session?.config ?? {};
    const config = { dataset: { csv: text.value, label: check.label }, ...FRESH_PARAMETERS };
    const ok = suitablePairs(meta.pairs, what.kind, what.n_classes).filter(([, l]) => what.kind !== "regression" || !meta.targetRules[l]);
    if (!ok.some(([o, l]) => o === cfg.output_activation && l === cfg.loss) && ok.length) {
      [config.output_activation, config.loss] = preferredPair(ok, what, cfg.loss);
    }
    sent = config.dataset;
    before = store.get().error;
    error.textContent = "";
    rebuild(config);
  }

  text.addEventListener("input", refresh);
  label.addEventListener("change", refresh);
  file.addEventListener("change", () => {
    const f = file.files?.[0];
    if (!f) return;
    if (f.size > maxBytes) {
      error.textContent = `${f.name} is ${Math.round(f.size / 1024)} KB, over the ${Math.round(maxBytes / 1024)} KB limit`;
      return;
    }
    f.text().then((t) => {
      text.value = t;
      refresh();
    });
  });
  // The server's answer: a refusal is shown here; the session on the file closes the dialog.
  store.subscribe(["error", "session"], (s) => {
    if (!sent || s.dialog?.kind !== "csv") return;
    if (s.error && s.error !== before) {
      error.textContent = s.error.message;
      sent = null;
    } else if (s.session?.config?.dataset?.csv === sent.csv) {
      sent = null;
      store.set({ dialog: null });
    }
  });
  modal(root, store, "csv", { render: () => refresh(), focus: () => text });
}
