/**
 * Fitting the formula panel into its box, so nothing in it is cut off and, where the type allows, nothing
 * scrolls: a matrix wider than its column shrinks (to MIN_MATRIX of its type at the least) and, still too
 * wide, wraps into blocks of columns ("columns 1–8", "columns 9–16"); then the whole panel's type shrinks
 * (to --mv-fit-min, else MIN_PANEL, at the least) until its content fits the panel's height. Beyond those bounds the panel
 * scrolls, from the top.
 *
 * The type is set through CSS variables (views-math.css): --mv-fit on the panel's body, --mat-fit on each
 * matrix. Layout reads: run after a render that changed the panel, or after its size changed; not per frame.
 */

/** Smallest matrix type, as a fraction of the panel's, before a matrix wraps into column blocks. */
const MIN_MATRIX = 0.75;
/** Smallest type the whole panel shrinks to in order to fit its height, unless the style sheet says
 * otherwise (--mv-fit-min on the panel: presenter mode allows smaller than normal mode). */
const MIN_PANEL = 0.7;
/** Steps of the search for the largest type that fits. */
const SEARCH_STEPS = 6;

/**
 * Fit `body` (the panel's content) into `root` (the panel).
 * @param {HTMLElement} root
 * @param {HTMLElement} body
 * @returns {number} the panel's type scale used (1: as designed)
 */
export function fitPanel(root, body) {
  setScale(body, 1);
  wrapMatrices(body);
  fitMatrices(body);
  const room = root.clientHeight;
  if (body.offsetHeight <= room) return 1;
  // The largest scale in [min, 1] whose content fits.
  const min = parseFloat(getComputedStyle(root).getPropertyValue("--mv-fit-min")) || MIN_PANEL;
  let lo = min;
  let hi = 1;
  for (let i = 0; i < SEARCH_STEPS; i++) {
    const mid = (lo + hi) / 2;
    setScale(body, mid);
    fitMatrices(body);
    if (body.offsetHeight <= room) lo = mid;
    else hi = mid;
  }
  setScale(body, lo);
  fitMatrices(body);
  return lo;
}

function setScale(body, s) {
  body.style.setProperty("--mv-fit", String(Math.round(s * 1000) / 1000));
}

/** Each matrix at its own type, shrunk just enough to fit its column's width. */
function fitMatrices(body) {
  for (const table of body.querySelectorAll(".mv-matrix")) {
    table.style.setProperty("--mat-fit", "1");
    const room = table.parentElement.clientWidth;
    const w = table.offsetWidth;
    if (w > room && w > 0) table.style.setProperty("--mat-fit", String(Math.max(0.3, Math.floor((room / w) * 1000) / 1000)));
  }
}

/** Split every matrix that would not fit at MIN_MATRIX into blocks of columns, each labelled. */
function wrapMatrices(body) {
  for (const table of [...body.querySelectorAll(".mv-matrix:not(.mv-block)")]) {
    const room = table.parentElement.clientWidth;
    const w = table.offsetWidth;
    const rows = [...table.rows];
    const cols = rows[0]?.cells.length ?? 0;
    if (room <= 0 || w * MIN_MATRIX <= room || cols < 2) continue;
    const blocks = Math.min(cols, Math.ceil((w * MIN_MATRIX) / room));
    const per = Math.ceil(cols / blocks);
    const parts = [];
    for (let c0 = 0; c0 < cols; c0 += per) {
      const c1 = Math.min(cols, c0 + per);
      const label = document.createElement("div");
      label.className = "mv-block-name";
      label.textContent = c1 - c0 === 1 ? `column ${c0 + 1}` : `columns ${c0 + 1}–${c1}`;
      const block = document.createElement("table");
      block.className = "mv-matrix mv-block";
      const tbody = block.createTBody();
      for (const row of rows) {
        const tr = tbody.insertRow();
        for (let c = c0; c < c1; c++) tr.append(row.cells[c].cloneNode(true));
      }
      parts.push(label, block);
    }
    table.replaceWith(...parts);
  }
}
