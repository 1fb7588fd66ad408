/**
 * Messages that must be seen: the dead-end banners (a divergence: where values stopped being finite; a
 * saturation: the units whose gradients vanished), each with the way out the server tried (back to the step
 * before the loss began to blow up or the units saturated, on at a lower rate), the reconnecting banner,
 * and error toasts naming the rejected field as the page labels it (fields.js), stacked in one place that
 * never covers the network or the formula panel (over the loss curve's panel).
 */

import { errorText } from "../fields.js";
import { fmt } from "../format.js";
import { button, h, send } from "./dom.js";

const TOAST_MS = 7000;
const MAX_TOASTS = 4;

const QUANTITY = {
  z: "z (pre-activation)",
  a: "a (activation)",
  loss: "the loss",
  delta: "δ = ∂L/∂z",
  grad_weights: "∂L/∂W",
  grad_biases: "∂L/∂b",
  weights: "the weights",
  biases: "the biases",
};

/** "step 12, backward phase, layer 2" from a divergence report. */
export function whereText(d) {
  const parts = [`step ${d.step}`, `${d.phase} phase`];
  if (d.layer !== null && d.layer !== undefined) parts.push(`layer ${d.layer}`);
  return parts.join(", ");
}

/**
 * Mount the banners into `root` (#banners) and the toasts into `toastRoot` (#toasts).
 * @param {HTMLElement} root
 * @param {HTMLElement} toastRoot
 * @param {{get: Function, set: Function, subscribe: Function}} store
 */
export function mountBanners(root, toastRoot, store) {
  const diverged = h("div", { id: "divergence-banner", class: "banner banner-diverged", role: "alert", hidden: true });
  const saturated = h("div", { id: "saturation-banner", class: "banner banner-diverged", role: "alert", hidden: true });
  const offline = h("div", { id: "reconnect-banner", class: "banner banner-offline", role: "status", hidden: true });
  root.append(diverged, saturated, offline);

  store.subscribe(["diverged"], (s) => renderDiverged(diverged, s, store));
  store.subscribe(["saturated", "diverged"], (s) => renderSaturated(saturated, s, store));
  store.subscribe(["connection"], (s) => {
    const down = s.connection === "reconnecting" || s.connection === "closed";
    offline.hidden = !down;
    offline.textContent =
      s.connection === "closed"
        ? "Disconnected: the server refused this page. Reload it from the server's own address."
        : "Connection lost. Reconnecting… your network, its settings and parameters will be restored.";
  });
  placeToasts(toastRoot);
  let lastError = null;
  store.subscribe(["error"], (s) => {
    if (!s.error || s.error === lastError) return;
    lastError = s.error;
    showToast(toastRoot, s.error);
  });
}

function renderDiverged(el, s, store) {
  const d = s.diverged;
  el.hidden = !d;
  if (!d) {
    el.replaceChildren();
    return;
  }
  const what = QUANTITY[d.quantity] ?? d.quantity;
  // The server's message starts with where ("step 9, loss phase, the loss: ..."); the title says that.
  const message = String(d.message ?? "");
  const detail = message.includes(": ") ? message.slice(message.indexOf(": ") + 2) : message;
  el.replaceChildren(
    h("strong", { class: "banner-title" }, `Training diverged at ${whereText(d)} (${what})`),
    h(
      "span",
      { class: "banner-text" },
      `${detail}. `,
      d.suggestion || "Lower the learning rate, then step again; the parameters kept their last finite values.",
    ),
    actions(d.recover, "btn-recover", "btn-diverged-reset", () => store.set({ diverged: null })),
  );
}

/** The saturation banner (hidden while a divergence is shown: one dead end at a time). */
function renderSaturated(el, s, store) {
  const d = s.saturated;
  el.hidden = !d || Boolean(s.diverged);
  if (!d) {
    el.replaceChildren();
    return;
  }
  el.replaceChildren(
    h("strong", { class: "banner-title" }, `Training is stuck: the units saturated (since step ${d.since})`),
    h("span", { class: "banner-text" }, `${d.message} `, d.suggestion),
    actions(d.recover, "btn-recover-saturation", "btn-saturated-reset", () => store.set({ saturated: null })),
  );
}

/**
 * The way out (a branch from `recover.step` at `recover.learning_rate`), Reset and dismiss. The server
 * answers the way out with `branched` and the page switches to the new run, which clears the banner.
 */
function actions(recover, recoverId, resetId, dismiss) {
  const back = recover
    ? button(
        `Go back to step ${recover.step} and branch at η = ${fmt(recover.learning_rate)}`,
        `A new run from step ${recover.step} of this one` +
          (recover.loss !== null && recover.loss !== undefined ? ` (loss ${fmt(recover.loss)})` : "") +
          `, before it got stuck, at learning rate ${fmt(recover.learning_rate)}; this run is kept as it is, and the timeline shows the branch`,
        () => send({ type: "recover" }),
        { id: recoverId },
      )
    : null;
  return h(
    "span",
    { class: "banner-actions" },
    back,
    button("Reset", "Back to the same initialisation", () => send({ type: "reset", seed: null }), { id: resetId }),
    button("×", "Dismiss", dismiss, { class: "close", "aria-label": "Dismiss" }),
  );
}

/**
 * Keep the toasts' stack over the loss curve's panel (#loss-view), its width and height at most, so a message
 * never hides the network or the formula panel; it follows the panel when the layout changes.
 */
function placeToasts(root) {
  const panel = document.getElementById("loss-view");
  if (!panel) return;
  const place = () => {
    const r = panel.getBoundingClientRect();
    if (r.width === 0) return;
    root.style.left = `${r.left + 6}px`;
    root.style.right = "auto";
    root.style.width = `${Math.max(0, r.width - 12)}px`;
    root.style.maxWidth = "none";
    root.style.bottom = `${Math.max(0, window.innerHeight - r.bottom + 6)}px`;
    root.style.maxHeight = `${Math.max(0, r.height - 12)}px`;
    root.style.overflowY = "auto";
  };
  new ResizeObserver(place).observe(panel);
  window.addEventListener("resize", place);
  place();
}

/** Show one error for a few seconds: the field as the page labels it, in bold, then what is wrong. */
function showToast(root, err) {
  const { label: what, text } = errorText(err);
  const field = what ? h("strong", { class: "toast-field" }, what) : null;
  const close = button("×", "Dismiss", () => toast.remove(), { class: "close", "aria-label": "Dismiss" });
  const toast = h("div", { class: "toast toast-error", role: "alert" }, h("span", { class: "toast-text" }, field, text), close);
  // the newest on top of the stack, the oldest leaves first
  root.prepend(toast);
  while (root.children.length > MAX_TOASTS) root.lastElementChild.remove();
  setTimeout(() => toast.remove(), TOAST_MS);
}
