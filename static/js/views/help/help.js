/**
 * Classroom helpers: keyboard shortcuts, the help overlay (shortcuts, colours, conventions, the weight
 * notation picker), presenter mode (projector-size type) and hide answers (answers.js). These choices are
 * remembered in this browser.
 */

import { HIDE_ANSWERS_KEY } from "../../answers.js";
import { drawLegend } from "../../palette.js";
import { button, h, send } from "../../controls/dom.js";
import { trapTab } from "../../controls/modal.js";
import { togglePlay } from "../../controls/transport.js";
import { viewOwnsKeys } from "../../controls/view-tabs.js";
import { NOTATIONS, notationOf } from "../shared/notation.js";

const PRESENTER_KEY = "backprop-lab:presenter";
const NOTATION_KEY = "backprop-lab:notation";

/** [keys, what they do] as the overlay lists them. */
const SHORTCUTS = [
  ["Space", "play / pause"],
  ["→", "next phase (one layer forward or backward, the loss, or the update)"],
  ["Shift + →", "finish the iteration"],
  ["←", "back one phase: exactly undoes →, the same records are shown again"],
  ["Shift + ←", "back one iteration (to the previous iteration boundary)"],
  ["E", "finish the epoch"],
  ["R", "reset to the same initialisation"],
  ["P", "presenter mode (large type for a projector)"],
  ["H", "hide answers: the numbers of the phases not stepped yet stay hidden, to ask the class first"],
  ["?", "this help"],
  ["Esc", "close this help, dismiss a message, give the keys back from a slider or a list"],
];

/** True when a key press belongs to a text field or a select the user is working in. */
function typing(target) {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  return tag === "INPUT" && !["checkbox", "radio", "button"].includes(target.type);
}

/**
 * Mount the overlay into `root` (#help-overlay) and listen for shortcuts on the document.
 * @param {HTMLElement} root
 * @param {{get: Function, set: Function, subscribe: Function}} store
 */
export function mount(root, store) {
  const legend = h("canvas", { class: "legend", width: 320, height: 44, "aria-label": "Colour legend" });
  const notationPicker = h(
    "div",
    { class: "notation-picker", role: "radiogroup", "aria-label": "Weight notation" },
    ...Object.entries(NOTATIONS).map(([value, text]) =>
      h("label", {}, h("input", { type: "radio", name: "notation", value }), ` ${text}`),
    ),
  );
  notationPicker.addEventListener("change", (e) => setUi(store, { notation: e.target.value }));
  const close = button("Close", "Close (Esc)", () => setUi(store, { helpOpen: false }), { class: "close-help" });
  const card = h(
    "div",
    { class: "help-card" },
    // The title and Close stay at the card's top while its text scrolls, inside the window at any size.
    h("div", { class: "help-head" }, h("h2", { id: "help-title" }, "Backprop Lab"), close),
    h("p", {}, "Step through one iteration of training a phase at a time: forward through each layer, the loss, backward through each layer, then the update. Every number shown is the float64 value the server computed."),
    h("h3", {}, "Keyboard"),
    h("table", { class: "shortcuts" }, ...SHORTCUTS.map(([k, what]) => h("tr", {}, h("th", {}, h("kbd", {}, k)), h("td", {}, what)))),
    h("h3", {}, "Views"),
    h("p", {}, "The tabs under the controls open the lecture views: Graph (backprop on a computation graph), Descent (gradient descent on f(x, y)), Surface (the loss over two parameters), Activations (g, g′ and this network's z), Diagnostics (gradient norms per layer, dead and saturated units, the gradient check) and Restarts (several seeds, keep the best). On Graph and Descent, Space, ← / → and R step that view instead of the network."),
    h("h3", {}, "Colours"),
    h("p", {}, "Values use an orange–white–blue scale that stays readable with colour-blindness: orange is negative, white zero, blue positive. Two-class points use the same orange (class 0) and blue (class 1)."),
    legend,
    h("h3", {}, "Notation"),
    h("p", {}, "z", h("sup", {}, "l"), " = W", h("sup", {}, "l"), " a", h("sup", {}, "l−1"), " + b", h("sup", {}, "l"), ", a", h("sup", {}, "l"), " = g(z", h("sup", {}, "l"), "), δ", h("sup", {}, "l"), " = ∂ℓ/∂z", h("sup", {}, "l"), " per example; the update uses the batch mean ∂L/∂W = (1/B) Σ δ a", h("sup", {}, "T"), ". Weights are written the way your course writes them:"),
    notationPicker,
    h("p", {}, "Mouse: click a point in the decision boundary to trace it, click empty space to add a point of the class chosen under “Add”, right-click (or Alt-click) a point to remove it; click a weight to type its value; hover a neuron to see its map large."),
    h("p", {}, "Keyboard: Tab moves through every control (the focused one is ringed in green); Enter or Space presses a button, the arrow keys move a slider or choose in a list; a slider's box takes a typed value (Enter applies it)."),
  );
  root.replaceChildren(card);
  // Tab goes round the dialog's controls instead of leaving it.
  card.addEventListener("keydown", (e) => {
    if (e.key === "Tab") trapTab(card, e, "button, input:checked, input:not([type=radio])");
  });
  root.addEventListener("click", (e) => {
    if (e.target === root) setUi(store, { helpOpen: false });
  });

  let notationShown = null;
  let returnFocus = null;
  store.subscribe(["ui"], (s) => {
    if (notationOf(s) !== notationShown) {
      notationShown = notationOf(s);
      for (const input of notationPicker.querySelectorAll("input")) input.checked = input.value === notationShown;
      remember(NOTATION_KEY, notationShown);
    }
    const open = Boolean(s.ui.helpOpen);
    if (open !== !root.hidden) {
      root.hidden = !open;
      // The dialog takes the keyboard focus while open (the page behind it is inert: Tab stays in the
      // dialog) and gives it back when it closes.
      for (const el of document.querySelectorAll("#controls, .workspace, #banners")) el.inert = open;
      if (open) {
        returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
        close.focus();
      } else if (returnFocus?.isConnected) returnFocus.focus();
    }
    document.body.classList.toggle("presenter", Boolean(s.ui.presenter));
    if (s.ui.helpOpen) drawLegend(legend, -1, 1, "value");
    if (hideShown !== Boolean(s.ui.hideAnswers)) {
      hideShown = Boolean(s.ui.hideAnswers);
      remember(HIDE_ANSWERS_KEY, hideShown ? "1" : "0");
    }
    if (presenterShown !== Boolean(s.ui.presenter)) {
      presenterShown = Boolean(s.ui.presenter);
      remember(PRESENTER_KEY, presenterShown ? "1" : "0");
      // Views size themselves to their panels: let them measure again.
      requestAnimationFrame(() => dispatchEvent(new Event("resize")));
    }
  });
  let presenterShown = false;
  let hideShown = false;
  const notation = recall(NOTATION_KEY) === "columns" ? "columns" : "rows";
  setUi(store, { presenter: recall(PRESENTER_KEY) === "1", notation, hideAnswers: recall(HIDE_ANSWERS_KEY) === "1" });

  document.addEventListener("keydown", (e) => onKey(e, store));
}

/** Keep a choice in this browser (nothing happens when storage is disabled). */
function remember(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage disabled: the choice is just not remembered.
  }
}

/** A remembered choice, or null. */
function recall(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function setUi(store, partial) {
  store.set({ ui: { ...store.get().ui, ...partial } });
}

function onKey(e, store) {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === "Escape") {
    const s = store.get();
    if (s.ui.helpOpen) setUi(store, { helpOpen: false });
    else if (s.diverged) store.set({ diverged: null });
    if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
    return;
  }
  if (typing(e.target) || (e.repeat && e.key !== "ArrowRight" && e.key !== "ArrowLeft")) return;
  // A dialog (the past's prompt, branch, compare) keeps the keys to itself.
  if (store.get().dialog) return;
  // Views that step on their own (the graph, gradient descent) keep the stepping keys.
  if (viewOwnsKeys(store) && [" ", "ArrowRight", "ArrowLeft", "e", "E", "r", "R"].includes(e.key)) return;
  const helpOpen = store.get().ui.helpOpen;
  let handled = true;
  switch (e.key) {
    case " ":
      if (!helpOpen) togglePlay(store);
      break;
    case "ArrowRight":
      if (!helpOpen) send({ type: "step", unit: e.shiftKey ? "iteration" : "phase", count: 1 });
      break;
    case "ArrowLeft":
      if (!helpOpen) send({ type: "back", unit: e.shiftKey ? "iteration" : "phase" });
      break;
    case "e":
    case "E":
      if (!helpOpen) send({ type: "step", unit: "epoch", count: 1 });
      break;
    case "r":
    case "R":
      if (!helpOpen) send({ type: "reset", seed: null });
      break;
    case "p":
    case "P":
      setUi(store, { presenter: !store.get().ui.presenter });
      break;
    case "h":
    case "H":
      setUi(store, { hideAnswers: !store.get().ui.hideAnswers });
      break;
    case "?":
      setUi(store, { helpOpen: !helpOpen });
      break;
    default:
      handled = false;
  }
  if (handled) e.preventDefault();
}
