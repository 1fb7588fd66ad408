/**
 * The first control row: play/pause, step back a phase/iteration, step phase/iteration/epoch, reset, re-randomise, speed; where the
 * iteration is (phase indicator), counters and losses (kept back while answers are hidden); connection
 * status; share, classroom, presenter, settings and help.
 */

import { HIDDEN_TEXT, lossHidden } from "../answers.js";
import { fmt, fmtInt, fmtPercent } from "../format.js";
import { button, h, select, send, setData, setText, setValue } from "./dom.js";

const SPEEDS = [1, 2, 5, 10, 25, 50, 100, 250, 1000];
/** While playing, the counters and losses are rewritten at most this often (ms). */
const COUNTER_INTERVAL_MS = 100;

/** The iteration's phase as words: "backward, layer 2 of 3", "loss", "update". */
export function phaseText(phase, layer, layers) {
  if (phase === "forward" || phase === "backward") return `${phase}, layer ${layer} of ${layers}`;
  if (phase === "update") return "update, all layers";
  return phase;
}

/** Number of weight layers L of the session's network (hidden layers + output). */
export function layerCount(session) {
  return (session?.config?.hidden_layers?.length ?? 0) + 1;
}

/** A random seed for re-randomising, within the server's limit. */
function randomSeed(max) {
  const buf = new Uint32Array(1);
  crypto.getRandomValues(buf);
  return buf[0] % (max + 1);
}

/**
 * Build the transport row and keep it in sync with the store.
 * @param {{get: Function, set: Function, subscribe: Function}} store
 * @returns {HTMLElement}
 */
export function transportRow(store) {
  const limits = store.get().meta?.limits ?? {};
  const maxSpeed = limits.max_speed ?? 1000;
  const maxSeed = limits.max_seed ?? 2 ** 32 - 1;

  const play = button("▶ Play", "Play / pause (space)", () => togglePlay(store), { id: "btn-play", class: "primary" });
  const speed = select(
    "speed",
    SPEEDS.filter((s) => s <= maxSpeed).map((s) => [s, `${s}×`]),
    (v) => {
      const n = Number(v);
      store.set({ speed: n });
      if (store.get().playing) send({ type: "play", speed: n });
    },
    "Iterations per frame while playing",
  );
  const transport = h(
    "div",
    { class: "group transport" },
    play,
    button("◀◀", "Back one iteration (shift + ←)", () => send({ type: "back", unit: "iteration" }), {
      id: "btn-back-iteration",
      class: "compact",
      "aria-label": "Back one iteration",
    }),
    button("◀", "Back one phase (←)", () => send({ type: "back", unit: "phase" }), {
      id: "btn-back-phase",
      class: "compact",
      "aria-label": "Back one phase",
    }),
    button("Phase ›", "Next phase (→)", () => send({ type: "step", unit: "phase", count: 1 }), { id: "btn-step-phase" }),
    button("Iteration »", "Next iteration (shift + →)", () => send({ type: "step", unit: "iteration", count: 1 }), {
      id: "btn-step-iteration",
    }),
    button("Epoch ⇥", "Next epoch (e)", () => send({ type: "step", unit: "epoch", count: 1 }), { id: "btn-step-epoch" }),
    button("Reset", "Back to the same initialisation (r)", () => send({ type: "reset", seed: null }), { id: "btn-reset" }),
    button("Re-randomise", "New random initialisation", () => send({ type: "reset", seed: randomSeed(maxSeed) }), {
      id: "btn-rerandomise",
    }),
    // The gradient check, one click from any view: it opens Diagnostics, which runs it (gradcheckAsked).
    button("∇ check", "Gradient check: backprop against central differences (opens Diagnostics)", () => {
      store.set({ gradcheckAsked: true, view: "diagnostics" });
    }, { id: "btn-gradcheck" }),
    h("label", { class: "field", title: "Iterations per frame while playing" }, h("span", { class: "field-label wide-only" }, "Speed"), speed),
  );

  const phaseNow = h("span", { class: "phase-now" }, "ready");
  const phaseNext = h("span", { class: "phase-next" });
  const indicator = h("div", { id: "phase-indicator", class: "phase-indicator", role: "status" }, phaseNow, phaseNext);
  const countMain = h("span", { class: "count-main" });
  const countSub = h("span", { class: "count-sub" });
  const counters = h("div", { id: "counters", class: "counters" }, countMain, countSub);
  const metrics = h("div", { id: "metrics", class: "metrics" });
  const status = h("div", { class: "group status" }, indicator, counters, metrics);

  const conn = h("span", { id: "connection-status", class: "connection", role: "status" });
  const settingsBtn = button("Settings", "Show or hide the data and training settings", () => {
    document.body.classList.toggle("settings-toggled");
    dispatchEvent(new Event("resize"));
  }, { id: "btn-settings" });
  const presenterBtn = button("Presenter", "Presenter mode: projector-size type (p)", () => {
    const ui = store.get().ui;
    store.set({ ui: { ...ui, presenter: !ui.presenter } });
  }, { id: "btn-presenter" });
  const helpBtn = button("?", "Keyboard shortcuts and help (?)", () => {
    const ui = store.get().ui;
    store.set({ ui: { ...ui, helpOpen: !ui.helpOpen } });
  }, { id: "btn-help", "aria-label": "Help" });
  // The classroom (classroom/teacher.js) opens a room, or shows the open room's join screen.
  const classroomBtn = button("Classroom", "Open a classroom room: students follow this run on their laptops", () => {
    document.dispatchEvent(new CustomEvent("bl:classroom"));
  }, { id: "btn-classroom" });
  // Share (controls/share.js): the run's link, its exports and pictures of the views.
  const shareBtn = button("Share", "Share this run: a link, the exports, pictures of the views", () => {
    store.set({ dialog: { kind: "share" } });
  }, { id: "btn-share" });
  const right = h("div", { class: "group right" }, conn, shareBtn, classroomBtn, settingsBtn, presenterBtn, helpBtn);

  store.subscribe(["playing", "speed"], (s) => {
    setText(play, s.playing ? "❚❚ Pause" : "▶ Play");
    play.setAttribute("aria-pressed", String(Boolean(s.playing)));
    setValue(speed, s.speed || 1);
  });
  store.subscribe(["phase", "frame", "session", "playing"], (s) => renderPhase(s, indicator, phaseNow, phaseNext));
  // While playing, the counters and losses are rewritten at most every COUNTER_INTERVAL_MS (each rewrite lays
  // out the controls bar); the newest values always arrive, at the latest that long after they changed.
  let countersAt = -Infinity;
  let countersTimer = null;
  const showCounters = () => {
    countersTimer = null;
    countersAt = performance.now();
    renderCounters(store.get(), countMain, countSub, metrics);
  };
  store.subscribe(["frame", "session", "playing", "records", "ui", "question"], (s) => {
    const wait = s.playing ? countersAt + COUNTER_INTERVAL_MS - performance.now() : 0;
    if (wait <= 0) {
      if (countersTimer !== null) clearTimeout(countersTimer);
      showCounters();
    } else if (countersTimer === null) countersTimer = setTimeout(showCounters, wait);
  });
  store.subscribe(["connection"], (s) => {
    const text = { open: "connected", connecting: "connecting…", reconnecting: "reconnecting…", closed: "disconnected", ended: "class over" };
    conn.dataset.state = s.connection;
    conn.textContent = text[s.connection] ?? s.connection;
    document.body.dataset.connection = s.connection;
  });
  store.subscribe(["ui"], (s) => presenterBtn.setAttribute("aria-pressed", String(Boolean(s.ui.presenter))));
  store.set({ speed: store.get().speed || 1 });
  store.set({ connection: store.get().connection });

  return h("div", { class: "bar bar-main" }, transport, status, right);
}

/** Start or stop playing. */
export function togglePlay(store) {
  const s = store.get();
  if (s.playing) send({ type: "pause" });
  else send({ type: "play", speed: s.speed || 1 });
}

function renderPhase(s, indicator, now, next) {
  const layers = layerCount(s.session);
  const cursor = s.frame?.cursor ?? s.session?.cursor ?? null;
  if (s.playing) {
    const speed = s.speed || 1;
    setText(now, "training");
    setText(next, `${speed} iteration${speed === 1 ? "" : "s"} per frame`);
    setData(indicator, "phase", "playing");
    setData(indicator, "layer", null);
    return;
  }
  setText(now, s.phase ? phaseText(s.phase.phase, s.phase.layer, layers) : "start of iteration");
  setData(indicator, "phase", s.phase ? s.phase.phase : "start");
  setData(indicator, "layer", s.phase?.layer ?? null);
  setText(next, cursor?.phase ? `next: ${phaseText(cursor.phase, cursor.layer, layers)}` : "");
}

function renderCounters(s, main, sub, metrics) {
  const src = s.frame ?? s.session;
  if (!src) return;
  const c = src.cursor ?? {};
  setText(main, `step ${fmtInt(src.step ?? 0)} · epoch ${fmtInt(src.epoch ?? 0)}`);
  setText(sub, c.batches_per_epoch ? `batch ${(c.batch_in_epoch ?? 0) + 1} of ${c.batches_per_epoch}` : "");
  const m = src.metrics ?? {};
  const hide = lossHidden(s);
  const show = (v, f) => (hide ? HIDDEN_TEXT : f(v));
  const parts = [`loss ${show(m.train_loss, fmt)} train`, `${show(m.test_loss, fmt)} test`];
  if (m.train_accuracy !== null && m.train_accuracy !== undefined) {
    parts.push(`accuracy ${show(m.train_accuracy, fmtPercent)} / ${show(m.test_accuracy, fmtPercent)}`);
  }
  setText(metrics, parts.join(" · "));
}
