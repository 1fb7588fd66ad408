/**
 * The examples table the boundary view shows for data without a plane (custom rows of other than two
 * inputs): every training example (then every test example) with its inputs, its target y, the network's
 * output ŷ = a^L and its loss ℓ at the current parameters (the frame's `outputs`, computed by the server).
 * The traced example's row is marked; clicking a training row traces it.
 *
 * The rows are built once per data set; a frame only rewrites the ŷ and ℓ cells that changed, at most
 * PLAYING_INTERVAL_MS apart while playing.
 *
 * In the update phase the parameters have just changed: the ŷ column is labelled "after the update", and a
 * "before" column shows the outputs at the parameters this iteration's forward pass used (the ŷ the network
 * diagram still shows), kept from the last frame before the update.
 */

import { HIDDEN_TEXT, lossHidden, outputsHidden } from "../../answers.js";
import { fmt } from "../../format.js";
import { el } from "../shared/view-frame.js";

const PLAYING_INTERVAL_MS = 250;

/** A row of values (or one value) as text: "0.489" or "(0.2, 0.8)". */
function cell(values) {
  if (!Array.isArray(values)) return fmt(values);
  return values.length === 1 ? fmt(values[0]) : `(${values.map((v) => fmt(v)).join(", ")})`;
}

/** The target as the lectures write it: a class index for classification, the value(s) for regression. */
function target(data, row) {
  const label = data.labels[row];
  return data.kind === "regression" ? cell(label) : String(label);
}

/**
 * @param {(index: number) => void} onSelect called with a training-set index when its row is clicked
 * @param {() => object} getState the store's current state (for a write the playing throttle delayed)
 * @returns {{el: HTMLElement, show: (state: object) => void, values: (state: object) => void}}
 */
export function createRowsTable(onSelect, getState) {
  const root = el("div", "bv-rows");
  const note = el("p", "bv-rows-note");
  const table = el("table", "bv-rows-table");
  root.append(note, table);
  let builtFor = null; // the data object the rows were built for
  let cells = { train: [], test: [] }; // per set, per example: {tr, out, loss}
  let lastValues = 0;
  let timer = null;
  let before = null; // the outputs of the last frame before an update phase
  const heads = { before: el("th", "bv-rows-before", "ŷ before"), out: el("th", "bv-rows-out", "ŷ = aᴸ") };
  heads.before.title = "ŷ at the parameters this iteration's forward pass used (what the network shows)";

  function header(data) {
    const tr = el("tr");
    for (const name of ["#", ...(data.feature_labels ?? []), "y"]) tr.append(el("th", "", name));
    tr.append(heads.before, heads.out, el("th", "", "ℓ"));
    const thead = el("thead");
    thead.append(tr);
    return thead;
  }

  function body(data, set, indices) {
    const tbody = el("tbody", `bv-rows-${set}`);
    if (set === "test" && indices.length > 0) {
      const tr = el("tr", "bv-rows-section");
      const th = el("th", "", `test examples (${indices.length}, not trained on)`);
      th.colSpan = (data.feature_labels?.length ?? 0) + 5;
      tr.append(th);
      tbody.append(tr);
    }
    const list = indices.map((row, i) => {
      const tr = el("tr");
      tr.dataset.set = set;
      tr.dataset.index = String(i);
      tr.append(el("td", "bv-rows-i", String(i)));
      for (const v of data.inputs[row]) tr.append(el("td", "", fmt(v)));
      tr.append(el("td", "bv-rows-y", target(data, row)));
      const prior = el("td", "bv-rows-before", "");
      const out = el("td", "bv-rows-out", "");
      const loss = el("td", "bv-rows-loss", "");
      tr.append(prior, out, loss);
      tbody.append(tr);
      return { tr, prior, out, loss };
    });
    return { tbody, list };
  }

  /** (Re)build the rows when the data changed, mark the traced one, then fill in the values. */
  function show(state) {
    const data = state.session?.data;
    if (!data || !Array.isArray(data.inputs)) return;
    if (builtFor !== data) {
      builtFor = data;
      const train = body(data, "train", data.train_indices);
      const test = body(data, "test", data.test_indices);
      table.replaceChildren(header(data), train.tbody, test.tbody);
      cells = { train: train.list, test: test.list };
      const n = data.train_indices.length;
      note.textContent =
        `${n} training example${n === 1 ? "" : "s"} with ${data.feature_labels?.length ?? 0} inputs and no ` +
        "position on a plane: instead of a map, the network's output ŷ and the loss ℓ of each example at the " +
        "current parameters. Click a row to trace that example.";
    }
    const traced = state.example ?? state.frame?.selected;
    cells.train.forEach((c, i) => c.tr.classList.toggle("traced", i === traced));
    write(state);
  }

  function write(state) {
    timer = null;
    lastValues = performance.now();
    const outputs = state.frame?.outputs;
    const updated = state.phase?.phase === "update" && !state.playing;
    if (!updated && outputs) before = outputs;
    root.dataset.step = String(state.frame?.step ?? "");
    root.dataset.phase = updated ? "update" : "";
    const label = updated ? "ŷ after" : "ŷ = aᴸ";
    if (heads.out.textContent !== label) heads.out.textContent = label;
    heads.out.title = updated ? "ŷ at the parameters after the update" : "ŷ at the current parameters";
    heads.before.hidden = !updated;
    const L = state.session?.weights?.length ?? 1;
    const hideOut = outputsHidden(state, L); // "hide answers": not before the forward pass reaches ŷ
    const hideLoss = lossHidden(state);
    for (const set of ["train", "test"]) {
      const out = outputs?.[set] ?? [];
      const loss = outputs?.[`${set}_loss`] ?? [];
      const prior = before?.[set] ?? [];
      cells[set].forEach((c, i) => {
        const a = hideOut ? HIDDEN_TEXT : i < out.length ? cell(out[i]) : "—";
        const l = hideLoss ? HIDDEN_TEXT : i < loss.length ? fmt(loss[i]) : "—";
        const p = updated && i < prior.length ? cell(prior[i]) : "—";
        if (c.out.textContent !== a) c.out.textContent = a;
        if (c.loss.textContent !== l) c.loss.textContent = l;
        if (c.prior.textContent !== p) c.prior.textContent = p;
        c.prior.hidden = !updated;
      });
    }
  }

  /** A new frame: rewrite the values (while playing, at most every PLAYING_INTERVAL_MS). */
  function values(state) {
    if (builtFor !== state.session?.data) return show(state);
    if (!state.playing) return write(state);
    if (timer !== null) return;
    const wait = Math.max(0, lastValues + PLAYING_INTERVAL_MS - performance.now());
    timer = setTimeout(() => write(getState()), wait);
  }

  table.addEventListener("click", (ev) => {
    const tr = ev.target.closest("tr[data-set='train']");
    if (tr) onSelect(Number(tr.dataset.index));
  });

  return { el: root, show, values };
}
