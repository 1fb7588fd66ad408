/**
 * The loss curve as a way into the past: a click on the figure seeks to that step of the recorded run, and
 * while the page shows the past a marker (a vertical line labelled "step k") stands at the current step.
 * The marker is an element over the figure, placed from plotly's axes after every draw, so it never touches
 * the figure's own shapes (the change marks).
 */

import { fmtInt } from "../../format.js";
import { inPast, position, seek } from "../../past.js";
import { plotPoint } from "../shared/view-frame.js";

/**
 * Add click-to-seek and the marker to the loss view.
 * @param {HTMLElement} root the view's root (the marker's offset parent)
 * @param {HTMLElement} plot the plotly figure's element
 * @param {{get: Function, set: Function, subscribe: Function}} store
 */
export function attachCursor(root, plot, store) {
  const line = document.createElement("div");
  line.className = "lv-cursor";
  line.hidden = true;
  const label = document.createElement("span");
  label.className = "lv-cursor-label";
  line.append(label);
  root.append(line);
  plot.title = "Click the curve to go back to that step";
  let hooked = false;

  const axes = () => {
    const full = plot._fullLayout;
    return full?.xaxis && full?.yaxis && typeof full.xaxis.p2l === "function" ? full : null;
  };

  function place() {
    const s = store.get();
    const full = axes();
    if (!hooked && typeof plot.on === "function") {
      hooked = true;
      plot.on("plotly_afterplot", place);
    }
    const past = inPast(s);
    root.dataset.cursor = past ? String(position(s).step) : "";
    if (!full || !past) {
      line.hidden = true;
      return;
    }
    const { step } = position(s);
    const xa = full.xaxis;
    const ya = full.yaxis;
    const x = xa.l2p(step);
    if (!Number.isFinite(x) || x < -1 || x > xa._length + 1) {
      line.hidden = true;
      return;
    }
    line.hidden = false;
    line.style.left = `${plot.offsetLeft + xa._offset + x}px`;
    line.style.top = `${plot.offsetTop + ya._offset}px`;
    line.style.height = `${ya._length}px`;
    label.textContent = `step ${fmtInt(step)}`;
  }

  plot.addEventListener("click", (e) => {
    const at = plotPoint(plot, e);
    if (!at) return;
    const { first, latest } = position(store.get());
    const step = Math.max(first, Math.min(latest, Math.round(at.x)));
    if (Number.isFinite(step)) seek(store, step);
  });
  store.subscribe(["frame", "timeline"], place);
}
