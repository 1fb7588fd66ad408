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
/** Room kept free beside a shrunk matrix (CSS px): its borders and cell padding in px do not shrink. */
const SLACK_PX = 4;
/** Tries of a type at most (one layout each), and how close the largest type that fits is found. */
const SEARCH_STEPS = 6;
const PRECISION = 0.005;

/**
 * Fit `body` (the panel's content) into `root` (the panel). Layout is read in batches, a handful of times
 * per render (each read lays out the panel's tables, hundreds of cells on a wide network): the matrices'
 * widths once at the designed type (a matrix's width scales with the type, its column's does not), then the
 * content's height once at the designed type and once per correction of the type.
 * @param {HTMLElement} root
 * @param {HTMLElement} body
 * @returns {number} the panel's type scale used (1: as designed)
 */
export function fitPanel(root, body) {
  setScale(body, 1);
  resetMatrices(body);
  wrapMatrices(body);
  const widths = measureMatrices(body);
  applyMatrices(widths, 1);
  const room = root.clientHeight;
  let height = body.offsetHeight;
  if (height <= room) return 1;
  // Type and content height are close to proportional (every size in the panel is in em): start at the
  // proportional guess, then interpolate between the largest type that fits and the smallest that does not
  // (regula falsi) until they are within PRECISION; each try is one layout.
  const min = parseFloat(getComputedStyle(root).getPropertyValue("--mv-fit-min")) || MIN_PANEL;
  const tryScale = (s) => {
    setScale(body, s);
    applyMatrices(widths, s);
    return { s, h: body.offsetHeight };
  };
  let fits = null;
  let over = { s: 1, h: height };
  let shown = 1;
  for (let i = 0; i < SEARCH_STEPS; i++) {
    let next;
    if (fits === null) next = Math.max(min, (over.s * room) / over.h);
    else next = fits.s + ((room - fits.h) * (over.s - fits.s)) / Math.max(1, over.h - fits.h);
    next = Math.floor(next * 1000) / 1000;
    if (fits !== null) next = Math.min(over.s - PRECISION / 2, Math.max(fits.s + PRECISION / 2, next));
    const got = tryScale(next);
    shown = next;
    if (got.h <= room) fits = got;
    else over = got;
    if (fits === null && next <= min) break; // even the smallest type overflows: the panel scrolls
    if (fits !== null && over.s - fits.s <= PRECISION) break;
  }
  const scale = fits === null ? min : fits.s;
  if (shown !== scale) tryScale(scale);
  return scale;
}

function setScale(body, s) {
  body.style.setProperty("--mv-fit", String(Math.round(s * 1000) / 1000));
}

function resetMatrices(body) {
  for (const table of body.querySelectorAll(".mv-matrix")) table.style.setProperty("--mat-fit", "1");
}

/** Each matrix's width at its own type (--mat-fit 1) and its column's: all read in one layout. */
function measureMatrices(body) {
  return [...body.querySelectorAll(".mv-matrix")].map((table) => ({
    table,
    room: table.parentElement.clientWidth,
    width: table.offsetWidth,
  }));
}

/** Each matrix shrunk just enough to fit its column when the panel's type is `scale` of the measured one
 * (writes only; SLACK_PX covers the borders, which do not scale with the type). */
function applyMatrices(widths, scale) {
  for (const { table, room, width } of widths) {
    const w = width * scale;
    const fit = w > room && w > 0 ? Math.max(0.3, Math.floor(((room - SLACK_PX) / w) * 1000) / 1000) : 1;
    table.style.setProperty("--mat-fit", String(fit));
  }
}

/** Split every matrix that would not fit at MIN_MATRIX into blocks of columns, each labelled (every width
 * read first, then the tables replaced). */
function wrapMatrices(body) {
  const tables = [...body.querySelectorAll(".mv-matrix:not(.mv-block)")];
  const sizes = tables.map((table) => [table.parentElement.clientWidth, table.offsetWidth]);
  tables.forEach((table, i) => {
    const [room, w] = sizes[i];
    const rows = [...table.rows];
    const cols = rows[0]?.cells.length ?? 0;
    if (room <= 0 || w * MIN_MATRIX <= room || cols < 2) return;
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
  });
}
