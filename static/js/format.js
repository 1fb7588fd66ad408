/**
 * Number formatting shared by every view.
 *
 * Numbers are shown with a fixed number of significant digits, trailing zeros dropped, a true minus
 * sign (U+2212) and no "-0". Very large or very small magnitudes use scientific notation written the way
 * a lecture writes it: 1.234×10⁻⁵.
 */

export const MINUS = "\u2212";
const SUPERSCRIPT = { "-": "\u207b", "+": "\u207a", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };
const SUBSCRIPT = { "-": "\u208b", "+": "\u208a", 0: "₀", 1: "₁", 2: "₂", 3: "₃", 4: "₄", 5: "₅", 6: "₆", 7: "₇", 8: "₈", 9: "₉" };

/** Below this magnitude (and not zero) or at/above the next, scientific notation is used. */
const SCI_SMALL = 1e-4;
const SCI_LARGE = 1e6;

/** Strip trailing zeros (and a bare trailing point) from a plain decimal string. */
function trimZeros(s) {
  if (!s.includes(".")) return s;
  return s.replace(/0+$/, "").replace(/\.$/, "");
}

/**
 * Format a number with `digits` significant digits: fmt(0.31000000000000005) === "0.31",
 * fmt(-0.252) === "−0.252", fmt(0) === "0", fmt(1.5e-7) === "1.5×10⁻⁷".
 * @param {number|null|undefined} x
 * @param {number} [digits=4]
 * @returns {string}
 */
export function fmt(x, digits = 4) {
  if (x === null || x === undefined) return "—";
  if (typeof x === "boolean") return String(x);
  const v = Number(x);
  if (Number.isNaN(v)) return "—";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : `${MINUS}∞`;
  if (v === 0) return "0";
  const a = Math.abs(v);
  const sign = v < 0 ? MINUS : "";
  // Round first: 9.99996 at 4 digits becomes 10, whose exponent decides the notation.
  const rounded = Number(a.toPrecision(digits));
  if (rounded === 0) return "0";
  if (rounded < SCI_SMALL || rounded >= SCI_LARGE) {
    const [mant, exp] = rounded.toExponential(Math.max(0, digits - 1)).split("e");
    return `${sign}${trimZeros(mant)}×10${sup(Number(exp))}`;
  }
  // toPrecision switches to exponent form once the integer part has more digits than asked for.
  const plain = rounded.toPrecision(digits);
  return sign + trimZeros(plain.includes("e") ? String(rounded) : plain);
}

/**
 * A number with an explicit sign (+ or −), for changes: fmtSigned(0.02) === "+0.02".
 * @param {number} x
 * @param {number} [digits=4]
 */
export function fmtSigned(x, digits = 4) {
  const s = fmt(x, digits);
  if (s === "0" || s === "—" || s.startsWith(MINUS)) return s;
  return `+${s}`;
}

/**
 * A vector in parentheses: fmtVec([0.31, 0.21, 0]) === "(0.31, 0.21, 0)".
 * @param {ArrayLike<number>} v
 * @param {number} [digits=4]
 */
export function fmtVec(v, digits = 4) {
  return `(${Array.from(v, (x) => fmt(x, digits)).join(", ")})`;
}

/**
 * A matrix as rows of formatted cells, each column right-aligned to its widest cell.
 * Returns the rows joined by "\n" (for a <pre>); fmtMatrixCells gives the cells themselves.
 * @param {ArrayLike<ArrayLike<number>>} m
 * @param {number} [digits=4]
 */
export function fmtMatrix(m, digits = 4) {
  const cells = fmtMatrixCells(m, digits);
  if (cells.length === 0) return "";
  const cols = Math.max(...cells.map((r) => r.length));
  const width = [];
  for (let j = 0; j < cols; j++) width.push(Math.max(...cells.map((r) => (r[j] ?? "").length)));
  return cells.map((r) => r.map((c, j) => c.padStart(width[j])).join("  ")).join("\n");
}

/**
 * Every cell of a matrix formatted: [["0.3", "0.4"], ...].
 * @param {ArrayLike<ArrayLike<number>>} m
 * @param {number} [digits=4]
 * @returns {string[][]}
 */
export function fmtMatrixCells(m, digits = 4) {
  return Array.from(m, (row) => Array.from(row, (x) => fmt(x, digits)));
}

/** Superscript digits and signs: sup(-5) === "⁻⁵", sup("T") === "T" (letters pass through). */
export function sup(n) {
  return String(n)
    .split("")
    .map((c) => SUPERSCRIPT[c] ?? c)
    .join("");
}

/** Subscript digits and signs: sub(12) === "₁₂". */
export function sub(n) {
  return String(n)
    .split("")
    .map((c) => SUBSCRIPT[c] ?? c)
    .join("");
}

/** A count with thin-space thousands separators: fmtInt(12345) === "12 345". */
export function fmtInt(n) {
  const s = String(Math.trunc(Math.abs(n)));
  const grouped = s.replace(/\B(?=(\d{3})+(?!\d))/g, "\u2009");
  return (n < 0 ? MINUS : "") + grouped;
}

/** A fraction 0..1 as a percentage with `digits` significant digits: fmtPercent(0.955) === "95.5%". */
export function fmtPercent(x, digits = 3) {
  if (x === null || x === undefined) return "—";
  return `${fmt(100 * x, digits)}%`;
}
