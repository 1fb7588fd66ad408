/**
 * What the socket's text messages do to the store (socket.js owns the connection): a full `state`, a live
 * change, the run's timeline, a step that stopped short; and the loss-curve point lists the frames and
 * `history` replies bring.
 */

import { rememberConfig, rememberSession } from "./session.js";

/** The {first, latest} a frame header's `timeline` brings, merged into the known timeline (null: unchanged). */
export function frameTimeline(known, header) {
  const t = header.timeline;
  if (!t || typeof t.latest !== "number") return null;
  const step = typeof header.step === "number" ? header.step : known?.step;
  if (known && known.first === t.first && known.latest === t.latest && known.step === step) return null;
  return { marks: [], branches: [], parent: null, ...known, first: t.first ?? 0, latest: t.latest, step };
}

/** A `timeline` message (or a state's `timeline`) as the store keeps it. */
export function timelineOf(payload, fallbackParent = null) {
  if (!payload || typeof payload !== "object") return null;
  return {
    first: payload.first ?? 0,
    latest: payload.latest ?? 0,
    step: payload.step ?? payload.latest ?? 0,
    marks: Array.isArray(payload.marks) ? payload.marks : [],
    branches: Array.isArray(payload.branches) ? payload.branches : [],
    parent: payload.parent ?? fallbackParent ?? null,
  };
}

/** The store's update for a full `state` message. */
export function stateUpdate(msg, s) {
  rememberSession(msg);
  const speed = (msg.playing ? msg.speed : s.speed) || msg.speed || 1;
  const partial = {
    session: msg,
    history: (msg.history ?? []).slice(),
    changes: (msg.changes ?? []).slice(),
    diverged: msg.diverged ?? null,
    saturated: msg.saturated ?? null,
    example: msg.config?.selected ?? s.example,
    records: [],
    phase: null,
    playing: Boolean(msg.playing),
    speed,
  };
  const timeline = timelineOf(msg.timeline, msg.parent);
  if (timeline) partial.timeline = { ...timeline, step: msg.step ?? timeline.step };
  // Another run: its past is new to the page, so a forward step from it asks first again.
  if (s.session?.id !== msg.id) partial.replay = false;
  return partial;
}

/** The store's update for a live change: a mark for the loss curve, the change in the known configuration. */
export function changedUpdate(msg, s) {
  const partial = { changes: [...s.changes, { step: msg.step, changes: msg.changes }] };
  if (s.session) {
    const config = { ...s.session.config };
    for (const [field, [, value]] of Object.entries(msg.changes)) config[field] = value;
    partial.session = { ...s.session, config };
    rememberConfig(config);
  }
  return partial;
}

/** What a step that stopped short says: how far it got and why. */
export function stoppedShort(msg) {
  const why = msg.stopped === "time_limit" ? "it reached the server's time limit for one step" : "it was cancelled";
  return `The step stopped after ${msg.done} of ${msg.requested} ${msg.unit}s: ${why}.`;
}

/**
 * Append points whose step is beyond the last one (in place); a point at the last step replaces it
 * (the metrics after an edit of the parameters, at the same step).
 */
export function appendHistory(history, points) {
  for (const p of points) {
    const last = history.length > 0 ? history[history.length - 1].step : -Infinity;
    if (p.step > last) history.push(p);
    else if (p.step === last) history[history.length - 1] = p;
  }
}

/** A new history array: the union of both, one point per step, in step order. */
export function mergeHistory(history, points) {
  const byStep = new Map();
  for (const p of history) byStep.set(p.step, p);
  for (const p of points) byStep.set(p.step, p);
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}
