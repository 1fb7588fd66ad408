/**
 * The page's dialogs (the past's prompt, the branch dialog, compare): one open at a time, named by the
 * store's `dialog.kind`. While one is open the page behind it is inert, Tab goes round the dialog's controls,
 * Escape or a click beside the card cancels, and the focus returns where it was when it closes.
 */

/** The page's parts a dialog makes inert. */
const BEHIND = "#controls, .workspace, #banners";

/**
 * Show `root` (an overlay element) while the store's dialog is of `kind`.
 * @param {HTMLElement} root
 * @param {{get: Function, set: Function, subscribe: Function}} store
 * @param {string} kind
 * @param {{render: (dialog: object) => void, cancel?: () => void, focus?: () => HTMLElement|null}} o
 *   render fills the card for the dialog's values; cancel runs on Escape or a click beside the card
 *   (default: close); focus names the control that takes the focus on opening
 */
export function modal(root, store, kind, o) {
  let open = false;
  let returnFocus = null;
  const cancel = o.cancel ?? (() => store.set({ dialog: null }));
  root.hidden = true;
  root.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      cancel();
      return;
    }
    // The page's shortcuts (space, arrows, letters) do not act behind a dialog.
    e.stopPropagation();
    if (e.key === "Tab") trapTab(root, e);
  });
  root.addEventListener("click", (e) => {
    if (e.target === root) cancel();
  });
  store.subscribe(["dialog"], (s) => {
    const d = s.dialog?.kind === kind ? s.dialog : null;
    if (d) o.render(d);
    if (Boolean(d) === open) return;
    open = Boolean(d);
    root.hidden = !open;
    for (const el of document.querySelectorAll(BEHIND)) el.inert = open;
    if (open) {
      returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      const first = o.focus?.() ?? root.querySelector("button, input, select");
      first?.focus();
    } else {
      if (returnFocus?.isConnected) returnFocus.focus();
      else if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
    }
  });
}

/**
 * Keep Tab inside a dialog: from its last control to its first and back.
 * @param {HTMLElement} root the dialog
 * @param {KeyboardEvent} e the Tab key's event
 * @param {string} [stops] the dialog's Tab stops (a radio group is one stop: its checked input)
 */
export function trapTab(root, e, stops = "button, input, select") {
  const found = [...root.querySelectorAll(stops)].filter((el) => !el.disabled && el.getClientRects().length > 0);
  if (found.length === 0) return;
  const first = found[0];
  const last = found[found.length - 1];
  if (!e.shiftKey && document.activeElement === last) {
    e.preventDefault();
    first.focus();
  } else if (e.shiftKey && document.activeElement === first) {
    e.preventDefault();
    last.focus();
  }
}
