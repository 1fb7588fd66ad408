/**
 * The walk through a graph, one node at a time: first forward (each operation's value, in topological order;
 * the inputs' values are given), then backward (the output's ∂f/∂f = 1, then each operation from the right
 * hands upstream × local = downstream to each of its inputs; an input's gradient shows once every one of its
 * uses has handed it its part, their sum when there are several).
 *
 * Step 0 is the start; step `total` the end, where every input's gradient is listed.
 */

/** The steps of `graph` (a POST /api/graph answer). */
export function plan(graph) {
  const ops = graph.nodes.filter((n) => n.inputs.length > 0).map((n) => n.id);
  const output = graph.nodes[graph.nodes.length - 1].id;
  const backward = [output, ...ops.slice().reverse()];
  return { forward: ops, backward, total: ops.length + backward.length };
}

/**
 * What step `s` shows.
 * @returns {{phase: "start"|"forward"|"backward", done: boolean, current: string|null, seed: boolean,
 *   values: Set<string>, grads: Set<string>, edges: Set<number>, fresh: Set<number>, completed: string[]}}
 *   `edges`: indices into graph.edges whose upstream × local = downstream is shown; `fresh`: those of this
 *   step; `completed`: nodes whose gradient this step completes.
 */
export function stepState(graph, p, s) {
  const values = new Set(graph.nodes.filter((n) => n.inputs.length === 0).map((n) => n.id));
  const forwardDone = Math.min(s, p.forward.length);
  for (let i = 0; i < forwardDone; i++) values.add(p.forward[i]);
  const state = {
    phase: s === 0 ? "start" : s <= p.forward.length ? "forward" : "backward",
    done: s >= p.total,
    current: null,
    seed: false,
    values,
    grads: new Set(),
    edges: new Set(),
    fresh: new Set(),
    completed: [],
    back: 0,
  };
  if (state.phase === "forward") state.current = p.forward[s - 1];
  if (state.phase !== "backward") return state;
  const back = s - p.forward.length; // 1 = the seed ∂f/∂f = 1
  const processed = new Set(p.backward.slice(1, back));
  state.current = p.backward[back - 1];
  state.seed = back === 1;
  state.back = back;
  const output = p.backward[0];
  const isNumber = new Map(graph.nodes.map((n) => [n.id, n.op === "const"]));
  if (!isNumber.get(output)) state.grads.add(output);
  graph.edges.forEach((edge, i) => {
    if (!processed.has(edge.to)) return;
    state.edges.add(i);
    if (edge.to === state.current) state.fresh.add(i);
  });
  // A node's gradient is known when every edge leaving it has been handed back.
  const leaving = new Map(graph.nodes.map((n) => [n.id, []]));
  graph.edges.forEach((edge, i) => leaving.get(edge.from).push(i));
  for (const node of graph.nodes) {
    const out = leaving.get(node.id);
    if (isNumber.get(node.id) || !out.length || !out.every((i) => state.edges.has(i))) continue;
    state.grads.add(node.id);
    if (out.some((i) => state.fresh.has(i))) state.completed.push(node.id);
  }
  return state;
}
