/**
 * The Share dialog (header button "Share"): the run's link (settings, seed and, when they fit, the exact
 * weights, in the URL's fragment) with Copy and the parts a classroom link hides; downloads of the run as
 * script, notebook, weights, log and phase records; and PNG pictures of the views (pictures.js).
 */

import { fmtInt } from "../format.js";
import { button, h } from "./dom.js";
import { modal } from "./modal.js";
import { PICTURES, currentStep, lectureView, savePicture } from "./pictures.js";

/** [hide option, what the checkbox says] (SHARE.link_hide in app/config.py). */
const HIDE_LABELS = {
  settings: "the settings rows",
  tabs: "the view tabs",
  formula: "the formula panel",
  timeline: "the time line",
};

/** [id part, label, path after /api/sessions/{id}/export/, file kind] of the downloads. */
const EXPORTS = [
  ["script", "NumPy script", "script", ".py"],
  ["notebook", "Notebook", "notebook", ".ipynb"],
  ["weights-json", "Weights", "weights", "JSON"],
  ["weights-npz", "Weights", "weights?format=npz", ".npz"],
  ["log-csv", "Run log", "log?format=csv", "CSV"],
  ["log-json", "Run log", "log?format=json", "JSON"],
  ["records", "Phase records", "records", "JSON"],
];

/**
 * Mount the dialog into `root` (#share-overlay).
 * @param {HTMLElement} root
 * @param {{get: Function, set: Function, subscribe: Function}} store
 */
export function mountShare(root, store) {
  const hideNames = store.get().meta?.share?.link_hide ?? Object.keys(HIDE_LABELS);
  const url = h("input", { id: "share-url", type: "text", readonly: "", spellcheck: "false", "aria-label": "Link to this run" });
  const copied = h("span", { id: "share-copied", class: "share-copied", role: "status" });
  const copy = button("Copy link", "Copy the link to the clipboard", () => copyLink(url, copied), { id: "share-copy", class: "primary" });
  const note = h("p", { id: "share-link-note", class: "dialog-text share-note" });
  const boxes = hideNames.map((name) => {
    const box = h("input", { type: "checkbox", id: `share-hide-${name}`, value: name });
    box.addEventListener("change", () => refresh());
    return h("label", { class: "share-check", for: box.id }, box, ` ${HIDE_LABELS[name] ?? name}`);
  });
  const linkPart = h(
    "section",
    { class: "share-part", "aria-labelledby": "share-link-title" },
    h("h3", { id: "share-link-title" }, "Link"),
    h("div", { class: "share-url-row" }, url, copy, copied),
    note,
    h("div", { class: "share-hide" }, h("span", { class: "field-label" }, "A classroom link hides:"), ...boxes),
  );

  const anchors = EXPORTS.map(([id, what, , kind]) =>
    h("a", { id: `share-export-${id}`, class: "share-download", download: "", href: "#" }, `${what} `, h("small", {}, kind)),
  );
  const exportPart = h(
    "section",
    { class: "share-part", "aria-labelledby": "share-export-title" },
    h("h3", { id: "share-export-title" }, "Export"),
    h("div", { class: "share-downloads" }, ...anchors),
  );

  const scale = h(
    "select",
    { id: "share-scale", title: "Picture size" },
    h("option", { value: "screen" }, "screen size"),
    h("option", { value: "slides" }, "2× for slides"),
  );
  const pictureNote = h("span", { id: "share-picture-note", class: "share-copied", role: "status" });
  const pictureButtons = PICTURES.map(([name, what]) =>
    button(what, `Download a PNG of the ${what.toLowerCase()}`, () => picture(name), { id: `share-picture-${name}` }),
  );
  const lectureButton = button("This view", "Download a PNG of the lecture view open now", () => picture("lecture"), {
    id: "share-picture-lecture",
  });
  const picturesPart = h(
    "section",
    { class: "share-part", "aria-labelledby": "share-pictures-title" },
    h("h3", { id: "share-pictures-title" }, "Pictures (PNG)"),
    h("div", { class: "share-downloads" }, ...pictureButtons, lectureButton, h("label", { class: "field" }, scale)),
    pictureNote,
  );

  const close = button("Close", "Close (Esc)", () => store.set({ dialog: null }), { id: "share-close" });
  const card = h(
    "div",
    { class: "dialog-card share-card" },
    h("h2", { id: "share-title" }, "Share this run"),
    linkPart,
    exportPart,
    picturesPart,
    h("div", { class: "dialog-buttons" }, close),
  );
  root.replaceChildren(card);

  let asked = 0;
  async function refresh() {
    const s = store.get();
    const id = s.session?.id;
    if (!id) return;
    const hide = boxes.map((l) => l.querySelector("input")).filter((b) => b.checked).map((b) => b.value);
    const ask = ++asked;
    note.textContent = "Making the link…";
    copied.textContent = "";
    try {
      const query = hide.length ? `?hide=${encodeURIComponent(hide.join(","))}` : "";
      const res = await fetch(`/api/sessions/${encodeURIComponent(id)}/link${query}`);
      const body = await res.json();
      if (ask !== asked) return;
      if (!res.ok) throw new Error(body?.detail?.[0]?.msg ?? body?.detail ?? `HTTP ${res.status}`);
      url.value = body.url ?? "";
      copy.disabled = !body.url;
      note.textContent = `${body.message} (${fmtInt(body.bytes)} bytes${body.weights_included ? "" : ", no weights"})`;
      note.dataset.weights = String(body.weights_included);
    } catch (err) {
      if (ask !== asked) return;
      url.value = "";
      copy.disabled = true;
      note.textContent = `No link: ${err.message ?? err}`;
    }
  }

  function render() {
    const s = store.get();
    const id = encodeURIComponent(s.session?.id ?? "");
    const step = currentStep(s);
    EXPORTS.forEach(([part, , path], i) => {
      anchors[i].href = `/api/sessions/${id}/export/${path}`;
      anchors[i].title = `Download (step ${fmtInt(step)})`;
    });
    lectureButton.hidden = !lectureView(s);
    pictureNote.textContent = "";
    refresh();
  }

  async function picture(name) {
    pictureNote.textContent = "Drawing…";
    try {
      const file = await savePicture(store.get(), name, scale.value);
      pictureNote.textContent = `Saved ${file}`;
    } catch (err) {
      pictureNote.textContent = `No picture: ${err.message ?? err}`;
    }
  }

  modal(root, store, "share", { render, focus: () => copy });
}

/** Copy the link: the clipboard when the page may use it, else the field's text selected for Ctrl+C. */
async function copyLink(url, status) {
  if (!url.value) return;
  try {
    await navigator.clipboard.writeText(url.value);
    status.textContent = "Copied";
  } catch {
    url.focus();
    url.select();
    status.textContent = "Selected: press Ctrl+C (⌘C) to copy";
  }
}
