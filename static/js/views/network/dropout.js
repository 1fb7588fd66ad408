/**
 * Dropout on the network diagram: while a training iteration's forward or backward phases are shown, the
 * traced example's dropped units (mask m = 0) are greyed, and a note says which ones in words (the diagram
 * itself is one image to a screen reader). Every mask comes from the forward records (docs/engine.md).
 */

/**
 * The traced example's mask per layer (null where there is none, or outside the forward/backward phases):
 * a hidden layer's once its forward phase ran, with its rate.
 * @returns {({mask: number[], p: number} | null)[]}
 */
export function exampleMasks(idx, phase, L) {
  const masks = new Array(L + 1).fill(null);
  if (phase.kind !== "forward" && phase.kind !== "backward") return masks;
  for (let l = 1; l < L; l++) {
    const ex = idx.forward[l]?.example;
    if (Array.isArray(ex?.mask)) masks[l] = { mask: ex.mask, p: ex.dropout };
  }
  return masks;
}

/** Whether neuron j of layer l is dropped for the traced example. */
export function isDropped(masks, l, j) {
  return masks?.[l]?.mask?.[j] === 0;
}

/** "Dropout, traced example: layer 1 (p = 0.5) drops neurons 2, 5 of 6; …", or "" without dropout. */
export function maskText(masks) {
  const parts = [];
  masks.forEach((m, l) => {
    if (!m) return;
    const dropped = m.mask.flatMap((v, j) => (v === 0 ? [j + 1] : []));
    const which = dropped.length === 0 ? "drops none" : `drops neuron${dropped.length > 1 ? "s" : ""} ${dropped.join(", ")}`;
    parts.push(`layer ${l} (p = ${m.p}) ${which} of ${m.mask.length}`);
  });
  return parts.length ? `Dropout, traced example: ${parts.join("; ")}` : "";
}
