/**
 * The page's only WebSocket: connects to /ws/sessions/{id}, puts every server message into the store,
 * reconnects with backoff after a drop, and recreates the session (from the last known configuration
 * and parameters) when the server no longer knows it, e.g. after a restart. Following a classroom room it
 * connects to /ws/rooms/{code} instead (`follow`), the same messages and frames; `switchTo` goes back to a
 * session of the page's own. Messages this module does not handle (the classroom's) are dispatched as
 * `bl:server` events.
 *
 * Binary frames are decoded as they arrive (their loss-curve points are kept) but only the newest one is
 * put into the store, once per animation frame. `history` grows in place between replacements; a view
 * that draws it incrementally should compare lengths and redraw when the array itself is replaced.
 */

import { decodeFrame } from "./frame.js";
import { appendHistory, changedUpdate, frameTimeline, mergeHistory, stateUpdate, stoppedShort, timelineOf } from "./messages.js";
import { createSession, rememberSession } from "./session.js";
import { currentRecords } from "./views/network/values.js";

const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 4000;
const MAX_QUEUED = 32;
/** Close codes: unknown session, origin refused (docs/protocol.md). */
const CLOSE_UNKNOWN_SESSION = 4004;
const CLOSE_BAD_ORIGIN = 4003;
/** A room's socket: the room closed; the room is full or this address guessed too many codes. */
const CLOSE_ROOM_CLOSED = 4010;
const CLOSE_TOO_MANY = 4029;
const SESSIONS_BASE = "/ws/sessions";
const ROOMS_BASE = "/ws/rooms";

/**
 * Open the socket for `sessionId` (with wsBase "/ws/rooms": the room whose code it is) and keep it open.
 * `hooks`: first(following) a message sent first on every (re)connect (the teacher's `auth`); roomQuery()
 * the room socket's query string; roomEnded(ev) the room closed or is unknown (the socket stays closed).
 * Returns {send, switchTo(id), follow(code), following(), sessionId()}.
 */
export function connect(store, wsBase, sessionId, hooks = {}) {
  let id = sessionId;
  let following = wsBase === ROOMS_BASE;
  let ws = null;
  let attempt = 0;
  let lastSeq = null;
  let pendingFrame = null;
  /** a `history` request is on its way; loss-curve points that arrive meanwhile wait in heldPoints */
  let historyAsked = false;
  const heldPoints = [];
  let rafScheduled = false;
  let recreating = false;
  /** messages asked for while the socket was down, sent once it is open again */
  const queue = [];
  /** what to restore after a server lost the session */
  let resume = { playing: false, speed: 1 };

  function url() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const path = `${following ? ROOMS_BASE : SESSIONS_BASE}/${encodeURIComponent(id)}`;
    return `${scheme}://${location.host}${path}${following ? (hooks.roomQuery?.() ?? "") : ""}`;
  }

  function open() {
    ws = new WebSocket(url());
    ws.binaryType = "arraybuffer";
    ws.onopen = () => {
      attempt = 0;
      lastSeq = null;
      historyAsked = false;
      heldPoints.length = 0;
      store.set({ connection: "open" });
      const first = hooks.first?.(following);
      if (first) rawSend(first);
      if (following) {
        queue.length = 0; // a follower's page sends nothing it asked for while away
        return;
      }
      if (resume.playing) rawSend({ type: "play", speed: resume.speed });
      while (queue.length > 0) rawSend(queue.shift());
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data === "string") onText(ev.data);
      else onBinary(ev.data);
    };
    ws.onclose = (ev) => {
      ws = null;
      if (ev.code === CLOSE_BAD_ORIGIN) {
        store.set({ connection: "closed", error: { field: "origin", message: ev.reason || "origin refused" } });
        return;
      }
      const s = store.get();
      // Remember whether it was playing when the link went down (not after failed retries).
      if (s.connection === "open") resume = { playing: Boolean(s.playing), speed: s.speed || 1 };
      if (following && (ev.code === CLOSE_UNKNOWN_SESSION || ev.code === CLOSE_ROOM_CLOSED)) {
        store.set({ connection: "ended", playing: false });
        hooks.roomEnded?.(ev);
        return;
      }
      store.set({ connection: "reconnecting", playing: false });
      if (ev.code === CLOSE_TOO_MANY) store.set({ error: { field: "room", message: ev.reason || "the room is full", at: Date.now() } });
      if (ev.code === CLOSE_UNKNOWN_SESSION && !following) recreate();
      else retryLater();
    };
  }

  function retryLater() {
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt);
    attempt += 1;
    setTimeout(open, delay);
  }

  async function recreate() {
    if (recreating) return;
    recreating = true;
    try {
      const state = await createSession();
      id = state.id;
      rememberSession(state);
      recreating = false;
      open();
    } catch {
      // The server is still starting (or unreachable): try again after the backoff.
      recreating = false;
      const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt);
      attempt += 1;
      setTimeout(recreate, delay);
    }
  }

  function rawSend(msg) {
    ws.send(JSON.stringify(msg));
  }

  /** Send a client → server message now, or as soon as the socket is open again. */
  function send(msg) {
    // Stepping means looking at one step: stop playing first (the server would otherwise keep training).
    if (msg.type === "step" && store.get().playing) send({ type: "pause" });
    if (msg.type === "play") resume = { playing: true, speed: msg.speed };
    if (msg.type === "pause" || msg.type === "step") resume = { ...resume, playing: false };
    const s = store.get();
    if (msg.type === "play" && (!s.playing || s.speed !== msg.speed)) store.set({ playing: true, speed: msg.speed });
    else if ((msg.type === "pause" || msg.type === "step") && s.playing) store.set({ playing: false });
    if (ws && ws.readyState === WebSocket.OPEN) {
      rawSend(msg);
    } else if (msg.type !== "sync" && msg.type !== "history") {
      if (queue.length >= MAX_QUEUED) queue.shift();
      queue.push(msg);
    }
  }

  function onText(text) {
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      store.set({ error: { field: "message", message: "the server sent a message that is not JSON", at: Date.now() } });
      return;
    }
    switch (msg.type) {
      case "state":
        store.set(stateUpdate(msg, store.get()));
        break;
      case "timeline":
        store.set({ timeline: { ...timelineOf(msg, store.get().timeline?.parent), step: store.get().frame?.step ?? msg.step } });
        break;
      case "branched":
        // A new run (a branch, a sibling, a way out of a dead end): the page works on it from now on.
        switchTo(msg.id);
        document.dispatchEvent(new CustomEvent("bl:branched", { detail: msg }));
        break;
      case "error":
        store.set({ error: { ...msg, at: Date.now() } });
        break;
      case "diverged":
        resume = { ...resume, playing: false };
        store.set({ diverged: msg, playing: false });
        break;
      case "saturation":
        store.set({ saturated: msg.saturated ?? null });
        break;
      case "changed":
        store.set(changedUpdate(msg, store.get()));
        break;
      case "history":
        onHistory(msg.points ?? []);
        break;
      case "stepped":
        store.set({ error: { field: null, code: "stepped", message: stoppedShort(msg), at: Date.now() } });
        break;
      default:
        document.dispatchEvent(new CustomEvent("bl:server", { detail: msg }));
        break;
    }
  }

  function onBinary(buffer) {
    let frame;
    try {
      frame = decodeFrame(buffer);
    } catch (err) {
      store.set({ error: { field: "frame", message: String(err.message || err), at: Date.now() } });
      return;
    }
    const h = frame.header;
    const history = store.get().history;
    // A jump in seq means the server replaced frames we never saw: their loss-curve points are missing.
    // Ask for them once, and hold later points back until they are in, so the curve only ever appends.
    if (lastSeq !== null && h.seq > lastSeq + 1 && !historyAsked) {
      historyAsked = true;
      send({ type: "history", since: history.length > 0 ? history[history.length - 1].step : 0 });
    }
    lastSeq = h.seq;
    if (historyAsked) heldPoints.push(...(h.history ?? []));
    else appendHistory(history, h.history ?? []);
    pendingFrame = frame;
    // A step the user asked for is drawn at once (it is one frame, not a stream); a playing stream is
    // drawn once per animation frame, newest first.
    if (Array.isArray(h.records) && !h.playing) {
      flush();
    } else if (!rafScheduled) {
      rafScheduled = true;
      requestAnimationFrame(flush);
    }
  }

  /** The answer to our own `history` request: the missing points, then the ones held back. */
  function onHistory(points) {
    const history = store.get().history;
    if (!historyAsked) {
      store.set({ history: mergeHistory(history, points) });
      return;
    }
    appendHistory(history, points);
    appendHistory(history, heldPoints.splice(0));
    historyAsked = false;
    store.set({ history });
  }

  function flush(fromAnimationFrame) {
    if (fromAnimationFrame !== undefined) rafScheduled = false;
    const frame = pendingFrame;
    pendingFrame = null;
    if (!frame) return;
    const h = frame.header;
    const s = store.get();
    const history = s.history;
    const partial = { frame: h, maps: frame.maps, outputMap: frame.outputMap, history };
    if (Array.isArray(h.records)) {
      partial.records = h.records;
      const last = h.records[h.records.length - 1];
      partial.phase = last ? { phase: last.phase, layer: last.layer } : null;
    } else if (s.playing && (s.records.length > 0 || s.phase !== null)) {
      partial.records = [];
      partial.phase = null;
    }
    // Records the cursor has moved away from without new ones (a diverged iteration is abandoned, an edit
    // restarts it) are gone: the phase indicator and the views must not show them.
    const records = partial.records ?? s.records;
    if (records.length > 0 && Array.isArray(h.weights) && currentRecords({ records, frame: h }, h.weights.length).length === 0) {
      partial.records = [];
      partial.phase = null;
    }
    if (s.diverged && h.step > s.diverged.step) partial.diverged = null;
    const timeline = frameTimeline(s.timeline, h);
    if (timeline) partial.timeline = timeline;
    // Only what changed: every key set wakes its subscribers.
    if (typeof h.playing === "boolean" && h.playing !== s.playing) partial.playing = h.playing;
    if (h.playing && typeof h.speed === "number" && h.speed !== s.speed) partial.speed = h.speed;
    rememberSession(null, h);
    store.set(partial);
  }

  /** Close the socket without reconnecting. */
  function drop() {
    const old = ws;
    ws = null;
    if (old) {
      old.onclose = null;
      old.onmessage = null;
      old.close(1000, "switching runs");
    }
  }

  /** Work on session `next` from now on: close this socket (without reconnecting) and open one to it. */
  function switchTo(next) {
    if (next && (next !== id || following)) reopen(next, false);
  }

  /** Follow the room `code` from now on (read-only): its socket gets the teacher's session's messages. */
  function follow(code) {
    queue.length = 0;
    reopen(code, true);
  }

  function reopen(next, room) {
    following = room;
    id = next;
    resume = { playing: false, speed: store.get().speed || 1 };
    drop();
    store.set({ connection: "connecting", replay: false, dialog: null });
    open();
  }

  open();
  return { send, switchTo, follow, following: () => following, sessionId: () => id };
}
