/**
 * The views of the page: the lab (network, boundary, loss, formulas, timeline) and the lecture views, one tab
 * each in #view-tabs. The header's controls stay on every view (the run keeps playing). A lecture view is a
 * folder views/<name>/ whose module <name>.js exports `mount(root, store)`; it is imported and mounted the first
 * time its tab opens, into a <section id="view-<name>"> of #view-pages, and `mount` may return `{ shown() }`,
 * called each time the view becomes visible. Store key `view` holds the open one; `?view=<name>` opens it.
 */

import { h } from "./dom.js";

/** [name, tab label, what the view shows] in tab order. */
export const VIEWS = [
  ["lab", "Lab", "The network learning, one layer at a time"],
  ["graph", "Graph", "Backprop on a computation graph: upstream × local gradient"],
  ["descent", "Descent", "Gradient descent on a function of two variables"],
  ["surface", "Surface", "The loss over two of the network's parameters"],
  ["activations", "Activations", "Each activation g and its derivative g′, with this network's z"],
  ["diagnostics", "Diagnostics", "Gradient norms per layer, dead and saturated units, gradient check"],
  ["restarts", "Restarts", "Several seeds of this configuration: keep the best"],
];
const NAMES = new Set(VIEWS.map(([name]) => name));
/** Views that step on their own: there the lab's stepping keys (space, ←, →, e, r) are the view's. */
const OWN_KEYS = new Set(["graph", "descent"]);

/** The view `?view=` names, or "lab". */
export function viewFromUrl() {
  const name = new URLSearchParams(location.search).get("view");
  return name && NAMES.has(name) ? name : "lab";
}

/** True when the open view handles the stepping keys itself (the lab's shortcuts leave them alone). */
export function viewOwnsKeys(store) {
  return OWN_KEYS.has(store.get().view);
}

/** Open view `name` (a tab's click, or a view's own link to another). */
export function openView(store, name) {
  if (NAMES.has(name) && store.get().view !== name) store.set({ view: name });
}

/**
 * Build the tab bar into `nav` and show the open view: the lab's panels (`workspace`) or a lecture view's
 * section in `pages`.
 * @param {HTMLElement} nav
 * @param {HTMLElement} workspace
 * @param {HTMLElement} pages
 * @param {{get: Function, set: Function, subscribe: Function}} store
 */
export function mountViewTabs(nav, workspace, pages, store) {
  nav.setAttribute("role", "tablist");
  const tabs = VIEWS.map(([name, label, title]) =>
    h("button", { type: "button", role: "tab", class: "view-tab", "data-view": name, id: `tab-${name}`, title }, label),
  );
  nav.replaceChildren(...tabs);
  nav.addEventListener("click", (e) => {
    const tab = e.target instanceof Element ? e.target.closest("[data-view]") : null;
    if (tab) openView(store, tab.dataset.view);
  });
  // Arrow keys move between tabs (the tab list pattern); the page's own shortcuts do not see them.
  nav.addEventListener("keydown", (e) => {
    if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
    const i = tabs.indexOf(document.activeElement);
    if (i < 0) return;
    const next = tabs[(i + (e.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
    next.focus();
    openView(store, next.dataset.view);
    e.preventDefault();
    e.stopPropagation();
  });

  /** name → {section, handle (mount's answer) or a promise of it} */
  const mounted = new Map();
  function section(name) {
    let entry = mounted.get(name);
    if (entry) return entry;
    const root = h("section", { id: `view-${name}`, class: "view-page", role: "tabpanel", "aria-labelledby": `tab-${name}` });
    pages.append(root);
    entry = { root, handle: null };
    mounted.set(name, entry);
    entry.ready = import(`../views/${name}/${name}.js`)
      .then((mod) => {
        entry.handle = mod.mount(root, store) ?? null;
      })
      .catch((err) => {
        console.error(`the ${name} view failed to start`, err);
        root.textContent = `The ${name} view failed to start: ${err.message ?? err}`;
      });
    return entry;
  }

  function show(name) {
    for (const tab of tabs) {
      const on = tab.dataset.view === name;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
    }
    document.body.dataset.view = name;
    const lab = name === "lab";
    // The lab's panels keep their size under a lecture view (its plots never lay out at zero size).
    workspace.classList.toggle("covered", !lab);
    workspace.toggleAttribute("inert", !lab);
    pages.hidden = lab;
    for (const [other, entry] of mounted) entry.root.hidden = other !== name;
    const url = new URL(location.href);
    if (lab) url.searchParams.delete("view");
    else url.searchParams.set("view", name);
    if (url.href !== location.href) history.replaceState(history.state, "", url);
    if (lab) {
      requestAnimationFrame(() => dispatchEvent(new Event("resize")));
      return;
    }
    const entry = section(name);
    entry.root.hidden = false;
    entry.ready.then(() => {
      if (store.get().view === name) entry.handle?.shown?.();
    });
  }

  let shownName = null;
  store.subscribe(["view"], (s) => {
    if (s.view === shownName) return;
    shownName = s.view;
    show(s.view);
  });
  store.set({ view: store.get().view ?? "lab" });
}
