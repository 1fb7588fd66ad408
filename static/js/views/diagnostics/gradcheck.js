/**
 * The gradient check in the page: GET /api/sessions/{id}/gradcheck (the engine's fourth-order central
 * differences for every parameter, in a worker thread on the server), shown per layer as the largest relative
 * error of W^l and b^l, with the verdict, the thresholds and the kink caveat. The lab reaches it in one click:
 * its "Check gradients" button opens this view with store key `gradcheckAsked` set, and the check runs.
 */

import { h } from "../../controls/dom.js";
import { getJson } from "../shared/api.js";

const WORDS = {
  agrees: "agrees",
  close: "close",
  disagrees: "disagrees",
};
const KINK = {
  relu: "ReLU units with z near 0",
  leaky_relu: "leaky ReLU units with z near 0",
  step: "step units with z near 0",
  l1_regularization: "weights near 0 under L1 regularisation",
  l1_loss: "outputs near their target under the L1 loss",
};

function err(v) {
  return v === null || v === undefined ? "—" : v === 0 ? "0" : v.toExponential(1);
}

function verdictCell(value, verdict) {
  return h("td", { class: `num diag-v-${verdict}` }, `${err(value)} ${WORDS[verdict] ?? verdict}`);
}

/** The panel inside `box`: its button, and `clear()` to forget a result of another session. */
export function gradcheckPanel(box, store) {
  const button = h("button", { type: "button", class: "diag-check-button" }, "Check gradients");
  const status = h("span", { class: "diag-check-status", role: "status" });
  const result = h("div", { class: "diag-check-result" });
  box.append(
    h("h3", { class: "diag-subtitle" }, "Gradient check: backprop against central differences"),
    h("div", { class: "diag-check-bar" }, button, status),
    result,
  );
  let running = false;

  async function run() {
    const id = store.get().session?.id;
    if (!id || running) return;
    running = true;
    button.disabled = true;
    status.textContent = "checking every parameter…";
    try {
      const reply = await getJson(`/api/sessions/${encodeURIComponent(id)}/gradcheck`);
      if (store.get().session?.id !== id) return;
      show(reply);
      status.textContent = "";
    } catch (e) {
      status.textContent = `The check failed: ${e.message}`;
    } finally {
      running = false;
      button.disabled = false;
    }
  }

  function show(reply) {
    const t = reply.thresholds;
    const rows = reply.layers.map((layer) =>
      h(
        "tr",
        { dataset: { layer: layer.layer } },
        h("th", { scope: "row" }, String(layer.layer)),
        verdictCell(layer.weights_max, layer.weights_verdict),
        verdictCell(layer.biases_max, layer.biases_verdict),
      ),
    );
    const overall = {
      agrees: "Backprop agrees with central differences.",
      close: "Close, not exact: expected at a kink or for tiny gradients, suspicious anywhere else.",
      disagrees: "Backprop and central differences disagree.",
    }[reply.verdict];
    const kinks = reply.kinks.map((k) =>
      `${KINK[k.what] ?? k.what}${k.layer ? ` in layer ${k.layer}` : ""} (${k.count}, the closest at ${err(k.closest)})`,
    );
    result.replaceChildren(
      h("p", { class: `diag-verdict diag-v-${reply.verdict}`, dataset: { verdict: reply.verdict } }, overall),
      h(
        "table",
        { class: "diag-table" },
        h("thead", {}, h("tr", {}, h("th", {}, "layer l"), h("th", {}, "largest error of Wˡ"), h("th", {}, "largest error of bˡ"))),
        h("tbody", {}, ...rows),
      ),
      h(
        "p",
        { class: "diag-note" },
        `Relative error |a − n| / (|a| + |n|) per parameter, a from backprop, n from the fourth-order central difference with h = ${reply.step_size} on ${reply.examples} examples of the batch. Below ${t.agree} agrees; below ${t.doubt} is close; above that they disagree.`,
      ),
      reply.verdict === "close" && !reply.near_kink
        ? h(
            "p",
            { class: "diag-note" },
            "Tiny gradients (a vanishing gradient) check less well: the differences' round-off, about 1e-16 · L / h, is then a large part of them.",
          )
        : "",
      reply.near_kink
        ? h(
            "p",
            { class: "diag-note diag-kink" },
            h("b", {}, "Near a kink: "),
            `${kinks.join("; ")}. There the loss has a corner within the ±2h the differences step, so they average both sides and may rightly differ from backprop's one-sided derivative.`,
          )
        : h("p", { class: "diag-note" }, "No checked value sat near a kink (ReLU / leaky ReLU / step at z = 0, L1 at W = 0, the L1 loss at a = y)."),
    );
    result.dataset.verdict = reply.verdict;
  }

  button.addEventListener("click", run);
  store.subscribe(["gradcheckAsked", "view"], (s) => {
    if (s.gradcheckAsked && s.view === "diagnostics") {
      store.set({ gradcheckAsked: false });
      run();
    }
  });
  return {
    run,
    clear() {
      result.replaceChildren();
      delete result.dataset.verdict;
    },
  };
}

