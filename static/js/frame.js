/**
 * Binary frame decoding: `[uint32 LE N][N bytes UTF-8 JSON header][payload]` (docs/protocol.md).
 * Maps come back as Uint8Array views into the frame's buffer (no copies).
 */

const decoder = new TextDecoder("utf-8");

/**
 * The JSON header of a frame, without touching the payload.
 * @param {ArrayBuffer} buffer
 * @returns {{header: object, payloadStart: number}}
 */
export function decodeHeader(buffer) {
  if (buffer.byteLength < 4) throw new Error(`frame too short: ${buffer.byteLength} bytes`);
  const n = new DataView(buffer).getUint32(0, true);
  if (4 + n > buffer.byteLength) {
    throw new Error(`frame header length ${n} exceeds the frame (${buffer.byteLength} bytes)`);
  }
  const header = JSON.parse(decoder.decode(new Uint8Array(buffer, 4, n)));
  return { header, payloadStart: 4 + n };
}

/** A payload slice, checked against the frame's size. */
function slice(buffer, payloadStart, offset, length, what) {
  const start = payloadStart + offset;
  if (offset < 0 || length < 0 || start + length > buffer.byteLength) {
    throw new Error(`${what}: bytes ${offset}..${offset + length} lie outside the payload`);
  }
  return new Uint8Array(buffer, start, length);
}

/**
 * Decode a whole frame.
 * maps: `{"l:j": {layer, neuron, res, lo, hi, bytes}}`, each res×res uint8, row 0 at the top (largest x2),
 * value = lo + (hi − lo)·byte/255.
 * outputMap: `{res, kind, lo, hi, classes, bytes, probs}`; for "multiclass" `bytes` holds the predicted
 * class of each pixel and `probs` its probability (0..255); otherwise `bytes` is the output value and
 * `probs` is null.
 * @param {ArrayBuffer} buffer
 */
export function decodeFrame(buffer) {
  const { header, payloadStart } = decodeHeader(buffer);
  /** @type {Record<string, {layer: number, neuron: number, res: number, lo: number, hi: number, bytes: Uint8Array}>} */
  const maps = {};
  for (const m of header.maps ?? []) {
    maps[`${m.layer}:${m.neuron}`] = {
      layer: m.layer,
      neuron: m.neuron,
      res: m.res,
      lo: m.lo,
      hi: m.hi,
      bytes: slice(buffer, payloadStart, m.offset, m.length, `map ${m.layer}:${m.neuron}`),
    };
  }
  let outputMap = null;
  const om = header.output_map;
  if (om) {
    const cells = om.res * om.res;
    const all = slice(buffer, payloadStart, om.offset, om.length, "output map");
    const multi = om.kind === "multiclass";
    outputMap = {
      res: om.res,
      kind: om.kind,
      lo: om.lo,
      hi: om.hi,
      classes: om.classes ?? null,
      bytes: multi ? all.subarray(0, cells) : all,
      probs: multi ? all.subarray(cells, 2 * cells) : null,
    };
  }
  return { header, maps, outputMap };
}
