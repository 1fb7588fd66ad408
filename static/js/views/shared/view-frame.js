/**
 * What the views' frames share: the mount's start (the root marked with the view's class and emptied), the
 * elements of a frame (a head, a stage, notes: each a tag with one class and perhaps a text), canvases
 * sized to the screen's pixel ratio, and the text size the style sheets give a view's drawing.
 */

/** Ready `root` for a view: add `viewClass` (e.g. "loss-view") and remove whatever it held. */
export function startView(root, viewClass) {
  root.classList.add(viewClass);
  root.replaceChildren();
}

/**
 * A new element.
 * @param {string} tag
 * @param {string} className
 * @param {string} [text] its text content, when given
 * @returns {HTMLElement}
 */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Size `canvas`'s pixels for w × h CSS px at the screen's pixel ratio (only when they differ: resizing clears
 * it) and return that ratio, for the drawing transform.
 */
export function fitToScreen(canvas, w, h) {
  const dpr = window.devicePixelRatio || 1;
  const pw = Math.round(w * dpr);
  const ph = Math.round(h * dpr);
  if (canvas.width !== pw || canvas.height !== ph) {
    canvas.width = pw;
    canvas.height = ph;
  }
  return dpr;
}

/**
 * The text size (CSS px) a view draws its canvas and SVG text at: the computed font size of `el` (its
 * stage), which the style sheets derive from the fluid root size (base.css), so canvas, SVG and HTML text
 * grow with the screen and with presenter mode alike. A style read: call it on resize or a mode change,
 * not per frame.
 */
export function textSize(el) {
  const px = parseFloat(getComputedStyle(el).fontSize);
  return Number.isFinite(px) && px > 0 ? px : 12;
}

/**
 * What a view's plotly figure in `plot` starts its layout with: its box's size (the view redraws on resize),
 * the page's type at text size `f`, margins (`l`, `t` in units of f) and a transparent background.
 */
export function plotFrame(plot, f, l, t) {
  return {
    width: plot.clientWidth,
    height: plot.clientHeight,
    margin: { l: f * l, r: f, t: f * t, b: f * 3 },
    font: { size: f, family: "system-ui, sans-serif" },
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
  };
}

/** Call `redraw()` (once per animation frame at most) when `box` changes size while `ready()` is true. */
export function redrawOnResize(box, ready, redraw) {
  let queued = false;
  new ResizeObserver(() => {
    if (queued || !ready() || box.clientWidth === 0) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      redraw();
    });
  }).observe(box);
}

/**
 * Where a click on a plotly figure lands, in its data coordinates: {x, y}, or null outside the plot area or
 * before the figure is drawn (from plotly's laid-out axes: each one's pixel offset, length and p2l).
 * @param {HTMLElement} plot the figure's element
 * @param {MouseEvent} e the click
 */
export function plotPoint(plot, e) {
  const full = plot._fullLayout;
  const xa = full?.xaxis;
  const ya = full?.yaxis;
  if (typeof xa?.p2l !== "function" || typeof ya?.p2l !== "function") return null;
  const b = plot.getBoundingClientRect();
  const px = e.clientX - b.left - xa._offset;
  const py = e.clientY - b.top - ya._offset;
  if (px < 0 || px > xa._length || py < 0 || py > ya._length) return null;
  return { x: xa.p2l(px), y: ya.p2l(py) };
}
