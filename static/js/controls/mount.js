/**
 * The controls bar (#controls): the transport row (play, step, reset, phase indicator, status) on top,
 * then the data row and the network/training row, then (in the past) the bar that says so; plus the banners (#banners) for divergence and
 * reconnection and the error toasts (#toasts).
 */

import { mountBanners } from "./banners.js";
import { pastBar } from "./past-bar.js";
import { dataRow } from "./data.js";
import { trainingRow } from "./training.js";
import { transportRow } from "./transport.js";

/**
 * Build every control into `root` and keep them in sync with the store.
 * @param {HTMLElement} root
 * @param {{get: Function, set: Function, subscribe: Function}} store
 */
export function mount(root, store) {
  // The data and training settings flow together, so they wrap into as few lines as the width allows.
  const settings = document.createElement("div");
  settings.className = "settings";
  settings.append(dataRow(store), trainingRow(store));
  root.replaceChildren(transportRow(store), settings, pastBar(store));
  const banners = document.getElementById("banners");
  const toasts = document.getElementById("toasts");
  if (banners && toasts) mountBanners(banners, toasts, store);
  // Banners sit just below the controls, whatever height the controls wrap to.
  const place = () => document.body.style.setProperty("--banner-top", `${root.getBoundingClientRect().bottom + 8}px`);
  new ResizeObserver(place).observe(root);
  place();
}
