/**
 * A CSV file read on the page, for the import dialog's preview and its first check (the server reads it
 * again and has the last word: app/engine/csvdata.py). Quoted fields (with "" inside), CRLF or LF, a
 * byte-order mark and blank lines are handled as the server handles them; rows are numbered as the file's
 * lines (the header is row 1).
 */

/**
 * Split CSV text into rows of trimmed cells, each with its line number; blank rows left out.
 * @param {string} text
 * @returns {{line: number, cells: string[]}[]}
 */
export function csvRows(text) {
  const rows = [];
  let cells = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  const s = text.replace(/^\uFEFF/, "");
  const endRow = () => {
    cells.push(cell);
    if (cells.some((c) => c.trim() !== "")) rows.push({ line: start, cells: cells.map((c) => c.trim()) });
    cells = [];
    cell = "";
  };
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === "\n") line++;
        cell += ch;
      }
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      cells.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && s[i + 1] === "\n") i++;
      endRow();
      line++;
      start = line;
    } else cell += ch;
  }
  if (cell !== "" || cells.length) endRow();
  return rows;
}

/** Whether a cell is a number as the server reads one (Python's float()). */
export function isNumber(cell) {
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cell) || /^[+-]?(inf|infinity|nan)$/i.test(cell);
}

/**
 * The first problem of the file for `label`, named by row and column as the server names it, or null; and
 * what it holds: the header, the data rows, the classes or "values".
 * @param {{line: number, cells: string[]}[]} rows
 * @param {string} label
 * @param {number} maxRows
 */
export function checkRows(rows, label, maxRows) {
  if (rows.length === 0) return { problem: "the file is empty: it needs a header row and at least two rows of data" };
  const header = rows[0].cells;
  const data = rows.slice(1);
  const result = { header, data, problem: null, classes: [] };
  const target = header.indexOf(label);
  const where = (line, column) => `row ${line}${column === undefined ? "" : `, column '${column}'`}`;
  if (header.length < 2) result.problem = `${where(1)}: the header needs at least two columns`;
  else if (target < 0) result.problem = `${where(1)}: no column is named '${label}'`;
  else if (data.length < 2) result.problem = `${data.length} row(s) of data: at least 2 are needed`;
  else if (data.length > maxRows) result.problem = `more than ${maxRows} rows of data (the limit)`;
  if (result.problem) return result;
  const names = new Set();
  for (const { line, cells } of data) {
    if (cells.length !== header.length) {
      result.problem = `${where(line)}: ${cells.length} cells where the header has ${header.length}`;
      return result;
    }
    for (let i = 0; i < cells.length; i++) {
      if (i !== target && !isNumber(cells[i])) {
        result.problem = `${where(line, header[i])}: '${cells[i].slice(0, 30)}' is not a number`;
        return result;
      }
    }
    names.add(cells[target]);
  }
  const labels = [...names];
  result.classes = labels.every(isNumber) ? [] : labels;
  return result;
}
