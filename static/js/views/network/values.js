/**
 * What the network diagram shows for the current state: parameters, the traced example's values per layer
 * (a, z, δ), the batch gradients and the update's changes, and where the iteration is.
 * Reads only the store's state; every number comes from the server's records and frames.
 * The formula panel (math.js) reads the iteration's records and phase through the same functions.
 */

/** Layer sizes [n_0, ..., n_L] from a weights list (W^l has n_l rows of n_(l−1) numbers). */
export function sizesOf(weights) {
  if (!Array.isArray(weights) || weights.length === 0) return null;
  const sizes = [weights[0][0]?.length ?? 0];
  for (const w of weights) sizes.push(w.length);
  return sizes;
}

/** The current parameters: the newest frame's when it matches the session's architecture. */
export function currentParameters(state) {
  const session = state.session;
  const frame = state.frame;
  const sw = session?.weights;
  if (frame && Array.isArray(frame.weights) && sameShape(frame.weights, sw)) {
    return { weights: frame.weights, biases: frame.biases };
  }
  if (sw) return { weights: sw, biases: session.biases };
  if (frame && Array.isArray(frame.weights)) return { weights: frame.weights, biases: frame.biases };
  return null;
}

function sameShape(a, b) {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let l = 0; l < a.length; l++) {
    if (a[l].length !== b[l].length || (a[l][0]?.length ?? 0) !== (b[l][0]?.length ?? 0)) return false;
  }
  return true;
}

/** Position of a phase in its iteration: forward l → l−1, loss → L, backward l → 2L−l+1, update → 2L+1. */
function phaseIndex(p, L) {
  if (p.phase === "forward") return p.layer - 1;
  if (p.phase === "loss") return L;
  if (p.phase === "backward") return 2 * L - p.layer + 1;
  return 2 * L + 1;
}

/**
 * The records of the iteration in progress, or [] when the session's cursor shows they no longer are (an
 * edited weight, a new data point or a reset restarts the iteration without sending new records).
 */
export function currentRecords(state, L) {
  const recs = state.records ?? [];
  const cursor = state.frame?.cursor ?? state.session?.cursor;
  if (recs.length === 0 || !cursor) return recs;
  const last = recs[recs.length - 1];
  const next = phaseIndex(cursor, L);
  if (last.phase === "update") return cursor.step === last.step + 1 && next === 0 ? recs : [];
  return cursor.step === last.step && next === phaseIndex(last, L) + 1 ? recs : [];
}

/**
 * Index the current iteration's records by phase and layer.
 * @param {object[]} records
 * @returns {{forward: object[], backward: object[], loss: object|null, update: object|null, last: object|null}}
 */
export function indexRecords(records) {
  const out = { forward: [], backward: [], loss: null, update: null, last: null };
  for (const r of records ?? []) {
    if (r.phase === "forward") out.forward[r.layer] = r;
    else if (r.phase === "backward") out.backward[r.layer] = r;
    else if (r.phase === "loss") out.loss = r;
    else if (r.phase === "update") out.update = r;
    out.last = r;
  }
  return out;
}

/**
 * The traced example's activations per layer (a[0] = its features), from this iteration's forward records,
 * else from the frame's traced-example values (`frame.example`: {a: [a⁰..a^L], z: [.., z¹..z^L]}).
 * Returns {a, z, exact} with one entry per layer (null where unknown: nothing stale is ever shown).
 */
export function exampleActivations(state, idx, L) {
  const a = new Array(L + 1).fill(null);
  const z = new Array(L + 1).fill(null);
  let fresh = false;
  for (let l = 1; l <= L; l++) {
    const ex = idx.forward[l]?.example;
    if (!ex) continue;
    a[l] = ex.a;
    z[l] = ex.z;
    if (l === 1) a[0] = ex.a_prev;
    fresh = true;
  }
  const fe = state.frame?.example;
  // Exact values from the frame, when the server sends the traced example's forward pass while playing.
  if (!fresh && fe && Array.isArray(fe.a) && fe.a.length === L + 1) {
    for (let l = 0; l <= L; l++) {
      a[l] = fe.a[l];
      z[l] = fe.z?.[l] ?? null;
    }
    fresh = true;
  }
  return { a, z, exact: fresh };
}

/**
 * While playing there are no records: the traced example's activations are read off each neuron's map at
 * the example's position (quantised, float32, nearest pixel), good for the dots' colours only, never for
 * printed numbers. Returns per-layer arrays, or null when the data has no plane or no maps arrived.
 */
export function sampledActivations(state, sizes) {
  const data = state.session?.data;
  const row = data?.train_indices?.[state.example];
  if (!Array.isArray(data?.points) || row === undefined || !state.maps) return null;
  const [x1, x2] = data.points[row];
  const [lo, hi] = data.domain ?? [-6, 6];
  let found = false;
  const a = sizes.map((n, l) => {
    const out = [];
    for (let j = 0; j < n; j++) {
      const m = state.maps[`${l}:${j}`];
      if (!m) {
        out.push(null);
        continue;
      }
      // Pixel (r, c) covers the plane cell whose centre is lo + (i + ½)·(hi − lo)/res; row 0 is the top.
      const c = Math.min(m.res - 1, Math.max(0, Math.floor(((x1 - lo) / (hi - lo)) * m.res)));
      const r = Math.min(m.res - 1, Math.max(0, Math.floor(((hi - x2) / (hi - lo)) * m.res)));
      out.push(m.lo + ((m.hi - m.lo) * m.bytes[r * m.res + c]) / 255);
      found = true;
    }
    return out;
  });
  return found ? a : null;
}

/** Largest |x| over a nested array (0 for empty). */
export function maxAbs(m) {
  let best = 0;
  const visit = (v) => {
    if (Array.isArray(v)) for (const x of v) visit(x);
    else if (typeof v === "number" && Math.abs(v) > best) best = Math.abs(v);
  };
  visit(m);
  return best;
}

/**
 * Where the iteration stands, as the diagram shows it.
 * kind: "idle" | "forward" | "loss" | "backward" | "update"; layer: the phase's layer (L for loss).
 */
export function phaseOf(idx, L) {
  const last = idx.last;
  if (!last) return { kind: "idle", layer: null };
  if (last.phase === "loss") return { kind: "loss", layer: L };
  if (last.phase === "update") return { kind: "update", layer: null };
  return { kind: last.phase, layer: last.layer };
}
