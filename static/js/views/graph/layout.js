const MIN_SCALE = 0.72;

/**
 * Where the graph's nodes go: left-to-right layers (the variables on the left, the output f on the right), a
 * number one layer before the operation that uses it, and each layer's nodes ordered by their inputs' rows
 * so edges cross little.
 */

/**
 * Layer and row of every node.
 * @param {{id: string, op: string, inputs: string[]}[]} nodes in topological order
 * @returns {{layer: Map<string, number>, row: Map<string, number>, layers: string[][]}}
 */
export function arrange(nodes) {
  const layer = new Map();
  for (const node of nodes) {
    layer.set(node.id, node.inputs.length ? 1 + Math.max(...node.inputs.map((i) => layer.get(i))) : 0);
  }
  // Numbers sit just before their first use (a constant 2 of the last operation is not far left).
  const users = new Map(nodes.map((n) => [n.id, []]));
  for (const node of nodes) for (const i of node.inputs) users.get(i).push(node.id);
  for (const node of nodes) {
    const uses = users.get(node.id);
    if (node.op === "const" && uses.length) layer.set(node.id, Math.max(0, Math.min(...uses.map((u) => layer.get(u))) - 1));
  }
  const count = Math.max(...layer.values()) + 1;
  const layers = Array.from({ length: count }, () => []);
  for (const node of nodes) layers[layer.get(node.id)].push(node);
  const row = new Map();
  const place = (list) => list.forEach((n, i) => row.set(n.id, i - (list.length - 1) / 2));
  // First the layers from the right (each node near its users), then from the left (near its inputs).
  const mean = (ids) => (ids.length ? ids.reduce((a, id) => a + (row.get(id) ?? 0), 0) / ids.length : 0);
  layers.forEach(place);
  for (let k = count - 2; k >= 0; k--) {
    layers[k].sort((a, b) => mean(users.get(a.id)) - mean(users.get(b.id)));
    place(layers[k]);
  }
  for (let k = 1; k < count; k++) {
    const key = (n) => (n.inputs.length ? mean(n.inputs) : mean(users.get(n.id)));
    layers[k].sort((a, b) => key(a) - key(b));
    place(layers[k]);
  }
  return { layer, row, layers: layers.map((list) => list.map((n) => n.id)) };
}

/**
 * Pixel positions in a w × h box for text of size `font` (px): columns and rows at least a node's width and
 * height (its name above, its value and gradient below) apart. When the box is too small the text shrinks (to
 * MIN_SCALE of `font` at most), then the drawing grows beyond the box (its stage scrolls).
 * @returns {{x: Map<string, number>, y: Map<string, number>, r: number, font: number, width: number, height: number}}
 */
export function positions(nodes, w, h, font) {
  const { layer, row, layers } = arrange(nodes);
  const columns = layers.length;
  const rows = Math.max(...layers.map((list) => list.length));
  const need = (f) => ({ width: f * (9 + 6.4 * (columns - 1)), height: f * (6.5 + 5.4 * (rows - 1)) });
  const full = need(font);
  const f = font * Math.max(MIN_SCALE, Math.min(1, w / full.width, h / full.height));
  const size = need(f);
  const width = Math.max(w, size.width);
  const height = Math.max(h, size.height);
  const padX = f * 4.5;
  const padY = f * 3.2;
  const colW = columns > 1 ? (width - 2 * padX) / (columns - 1) : 0;
  const rowH = rows > 1 ? Math.min((height - 2 * padY) / (rows - 1), f * 9) : 0;
  const r = f * (columns > 6 || rows > 5 ? 1.15 : 1.5);
  const x = new Map();
  const y = new Map();
  for (const node of nodes) {
    x.set(node.id, columns > 1 ? padX + layer.get(node.id) * colW : width / 2);
    y.set(node.id, height / 2 + row.get(node.id) * rowH);
  }
  return { x, y, r, font: f, width, height, column: colW, rowGap: rowH || f * 5.4 };
}
