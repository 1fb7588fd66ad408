/**
 * The session behind the page: created over REST, its id kept in sessionStorage (a reload keeps working
 * on the same network), and its last known configuration and parameters kept so a session the server lost
 * (restart, idle eviction) can be created again with the same network.
 */

const KEY = "backprop-lab:session";
const PERSIST_EVERY_MS = 1000;

/** SessionConfig fields (docs/protocol.md): what a new session or a rebuild accepts. */
export const CONFIG_FIELDS = [
  "hidden_layers", "activation", "layer_activations", "output_activation", "loss", "learning_rate",
  "batch_size", "optimizer", "momentum", "regularization", "regularization_rate", "init", "bias_init", "seed",
  "dataset", "points", "noise", "train_fraction", "features", "shuffle", "drop_last", "train_biases",
  "dropout", "weights", "biases", "selected",
];

/** Last known {id, config, weights, biases}; written to sessionStorage at most once a second. */
let last = readStored();
let persistTimer = null;
/** Off while the page follows a classroom room: the teacher's session is not this tab's own. */
let remembering = true;

/** Keep (true) or leave alone (false, following a room) what this tab knows of its own session. */
export function setRemembering(on) {
  remembering = Boolean(on);
}

function readStored() {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

function persist() {
  persistTimer = null;
  try {
    if (last) sessionStorage.setItem(KEY, JSON.stringify(last));
  } catch {
    // Storage full or disabled: the in-memory copy still serves reconnects on this page.
  }
}

function schedulePersist() {
  if (persistTimer === null) persistTimer = setTimeout(persist, PERSIST_EVERY_MS);
}

addEventListener("pagehide", persist);

/** The id of the session this tab worked on before a reload, or null. */
export function storedSessionId() {
  return last?.id ?? null;
}

/**
 * Keep what a recreated session needs: from a full `state` message and/or a frame header (parameters).
 * @param {object|null} state
 * @param {object} [header]
 */
export function rememberSession(state, header) {
  if (!remembering) return;
  if (state) {
    last = { id: state.id ?? last?.id, config: state.config ?? last?.config, weights: state.weights, biases: state.biases };
    persist();
    return;
  }
  if (header && last && Array.isArray(header.weights)) {
    last.weights = header.weights;
    last.biases = header.biases;
    schedulePersist();
  }
}

/** Keep a configuration changed live (the parameters stay those of the latest frame). */
export function rememberConfig(config) {
  if (!last || !remembering) return;
  last.config = config;
  schedulePersist();
}

/** Forget the stored session (the next page load starts a new one). */
export function forgetStoredSession() {
  last = null;
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Nothing stored.
  }
}

/** The body that recreates the last known session: its configuration plus its current parameters. */
function recreateBody(withParameters) {
  const body = {};
  const config = last?.config ?? {};
  for (const k of CONFIG_FIELDS) {
    if (k === "weights" || k === "biases") continue;
    if (config[k] !== undefined && config[k] !== null) body[k] = config[k];
  }
  if (withParameters && Array.isArray(last?.weights) && Array.isArray(last?.biases)) {
    body.weights = last.weights;
    body.biases = last.biases;
  }
  return body;
}

async function post(body) {
  const res = await fetch("/api/sessions", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return res;
}

/**
 * Create a session. With `body` given, exactly that configuration; otherwise the last known session again
 * (configuration and parameters; if the server refuses those, the configuration alone; then defaults).
 * Resolves to the new session's state (with `id`); rejects when the server cannot be reached.
 * @param {object} [body]
 */
export async function createSession(body) {
  const attempts = body ? [body] : [recreateBody(true), recreateBody(false), {}];
  let lastError = null;
  for (const b of attempts) {
    const res = await post(b);
    if (res.status === 201 || res.ok) {
      const state = await res.json();
      rememberSession(state);
      return state;
    }
    lastError = new Error(`creating a session failed: HTTP ${res.status}`);
    if (res.status !== 422) break;
  }
  throw lastError;
}
