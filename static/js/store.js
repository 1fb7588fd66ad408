/**
 * The page's one state object.
 *
 * State is a flat object of top-level keys (docs/frontend.md lists them). `set(partial)` replaces the
 * given keys (every key in `partial` counts as changed, even when the value is the same object, so a
 * view may pass back an object it edited) and then calls every subscriber of any of those keys once,
 * with the whole state. A `set` made from inside a subscriber is applied at once and its notifications
 * run after the current round, so subscribers never see a half-applied update.
 */

/** The state a page starts with; every key views may read exists from the start. */
export function initialState() {
  return {
    meta: null,
    /** The open view: "lab" or a lecture view's name (controls/view-tabs.js). */
    view: "lab",
    session: null,
    frame: null,
    maps: {},
    outputMap: null,
    records: [],
    phase: null,
    history: [],
    changes: [],
    selection: null,
    example: 0,
    hoverNeuron: null,
    ui: { presenter: false, showTest: false, addClass: 1, helpOpen: false, notation: "rows" },
    playing: false,
    speed: 1,
    connection: "connecting",
    diverged: null,
    saturated: null,
    error: null,
    /** The run's recorded history (GET /api/sessions/{id}/timeline): {first, latest, step, marks, branches, parent}. */
    timeline: null,
    /** Forward steps from the past replay the recorded run without asking (after ← or a "replay" answer). */
    replay: false,
    /** The open dialog: {kind: "prompt" | "branch" | "compare", ...} or null (one at a time). */
    dialog: null,
    /**
     * The classroom room this page is in (classroom/): {role: "teacher" | "student", code, joinUrl, qrUrl,
     * locked, following, fork, member, name, roster, closed} or null.
     */
    classroom: null,
    /** The question to the class: the `question` message plus {answer, summary, revealed}, or null. */
    question: null,
    /** The header's "∇ check" asked for a gradient check: the Diagnostics view runs it and clears this. */
    gradcheckAsked: false,
  };
}

/**
 * Create a store: `{get, set, subscribe}`.
 * @param {object} [initial] starting state (defaults to initialState())
 */
export function createStore(initial = initialState()) {
  let state = { ...initial };
  /** @type {{keys: Set<string>, fn: (s: object) => void}[]} */
  const subscribers = [];
  /** keys changed but not yet announced */
  let pending = new Set();
  let notifying = false;

  function notify() {
    if (notifying) return;
    notifying = true;
    try {
      while (pending.size > 0) {
        const changed = pending;
        pending = new Set();
        for (const sub of subscribers.slice()) {
          let hit = false;
          for (const k of changed) {
            if (sub.keys.has(k)) {
              hit = true;
              break;
            }
          }
          if (!hit) continue;
          try {
            sub.fn(state);
          } catch (err) {
            // One broken view must not stop the others from drawing; report it once on the console.
            console.error(err);
          }
        }
      }
    } finally {
      notifying = false;
    }
  }

  return {
    /** The current state (treat as read-only; change it through set). */
    get() {
      return state;
    },
    /** Replace the given top-level keys and notify their subscribers. */
    set(partial) {
      const keys = Object.keys(partial);
      if (keys.length === 0) return;
      state = { ...state, ...partial };
      for (const k of keys) pending.add(k);
      notify();
    },
    /**
     * Call fn(state) after any of `keys` changed. Returns a function that unsubscribes.
     * @param {string[]|string} keys top-level state names
     * @param {(s: object) => void} fn
     */
    subscribe(keys, fn) {
      const sub = { keys: new Set(Array.isArray(keys) ? keys : [keys]), fn };
      subscribers.push(sub);
      return () => {
        const i = subscribers.indexOf(sub);
        if (i >= 0) subscribers.splice(i, 1);
      };
    },
  };
}
