/**
 * Boots the lab page: reads the server's configuration from <body data-*>, creates (or reopens) the
 * session, opens the socket, mounts every view and forwards the views' `bl:send` requests to the socket
 * (through the guard that asks before leaving the past) and their `bl:switch` requests (another run).
 *
 * URL options: `?preset=<name>` starts a new session from that preset; `?new` starts a new default session;
 * a share link's `#run=...` opens the run it holds (link-open.js).
 * On /r/{code} (<body data-room>) the page follows that classroom room instead (classroom/): no session of
 * its own until the student explores on their own.
 */

import { createStore, initialState } from "./store.js";
import { connect } from "./socket.js";
import { createSession, forgetStoredSession, setRemembering, storedSessionId } from "./session.js";
import { mountClassroom, socketHooks } from "./classroom/classroom.js";
import { chosenName, keepStudentRoom, studentRoom, teacherRoom } from "./classroom/rooms-api.js";
import { mount as mountControls } from "./controls/mount.js";
import { createGuard } from "./controls/guard.js";
import { mount as mountHelp } from "./views/help/help.js";
import { mountDialogs } from "./controls/dialogs.js";
import { mountViewTabs, viewFromUrl } from "./controls/view-tabs.js";
import { linkFragment, openLink, watchLinks } from "./link-open.js";

/** [view folder under views/ (its module has the same name), root element id] of the views that draw the network and its numbers. */
const VIEWS = [
  ["network", "network-view"],
  ["boundary", "boundary-view"],
  ["loss", "loss-view"],
  ["math", "math-view"],
  ["timeline", "timeline-view"],
  ["compare", "compare-overlay"],
];

function readMeta() {
  try {
    return JSON.parse(document.body.dataset.meta ?? "null");
  } catch (err) {
    console.error("the page's data-meta is not valid JSON", err);
    return null;
  }
}

/** Mount each view; one that fails to load says so in its own panel and the rest still work. */
async function mountViews(store) {
  await Promise.all(
    VIEWS.map(async ([name, id]) => {
      const root = document.getElementById(id);
      try {
        const mod = await import(`./views/${name}/${name}.js`);
        mod.mount(root, store);
      } catch (err) {
        console.error(`the ${name} view failed to start`, err);
        root.textContent = `The ${name} view failed to start: ${err.message ?? err}`;
      }
    }),
  );
}

/** The configuration of the preset called `name` in /api/meta, or null. */
export function presetConfig(meta, name) {
  const presets = meta?.presets ?? [];
  const list = Array.isArray(presets) ? presets : Object.entries(presets).map(([n, p]) => ({ name: n, ...p }));
  const p = list.find((x) => x.name === name || x.id === name);
  return p ? p.config : null;
}

/** The id of the session to open: a share link's, this tab's room's, this tab's previous one, or a new one. */
async function startSession(meta, store) {
  const link = linkFragment();
  if (link) return openLink(link, store);
  // A teacher's tab with an open room stays on the room's session (a reload must not leave the class).
  const room = teacherRoom();
  if (room?.session) return room.session;
  const params = new URLSearchParams(location.search);
  const preset = params.get("preset");
  if (preset !== null || params.has("new")) forgetStoredSession();
  const stored = storedSessionId();
  if (stored) return stored;
  const state = await createSession((preset && presetConfig(meta, preset)) || {});
  return state.id;
}

async function boot() {
  const meta = readMeta();
  const wsBase = document.body.dataset.wsBase || "/ws/sessions";
  const store = createStore({ ...initialState(), meta, view: viewFromUrl() });

  let socket = null;
  const early = [];
  const toSocket = (msg) => {
    if (socket) socket.send(msg);
    else early.push(msg);
  };
  // From the past, a forward step or a change asks first (controls/guard.js).
  const guard = createGuard(store, toSocket);
  // A follower's page changes nothing: the teacher's run is read-only there.
  document.addEventListener("bl:send", (e) => {
    if (socket?.following() && !["sync", "history"].includes(e.detail?.type)) {
      store.set({ error: { field: null, code: "read_only", message: "You are following the class: explore on your own to change the run.", at: Date.now() } });
      return;
    }
    guard(e.detail);
  });
  document.addEventListener("bl:switch", (e) => socket?.switchTo(e.detail.id));

  watchLinks();
  mountControls(document.getElementById("controls"), store);
  mountDialogs(store, guard, toSocket);
  mountHelp(document.getElementById("help-overlay"), store);
  mountClassroom(store, () => socket);
  // The tabs first: the lab's panels then measure themselves where they stay.
  mountViewTabs(document.getElementById("view-tabs"), document.getElementById("workspace"), document.getElementById("view-pages"), store);
  await mountViews(store);
  const hooks = socketHooks(store, () => socket?.sessionId() ?? null);

  const room = document.body.dataset.room;
  if (room) {
    // A student's page: follow the room; a name typed on /join comes along.
    const before = studentRoom();
    const name = chosenName() ?? (before?.code === room ? before.name : null);
    keepStudentRoom(before?.code === room ? { ...before, name } : { code: room, name });
    setRemembering(false);
    const fork = before?.code === room ? before.fork : undefined;
    store.set({ classroom: { role: "student", code: room, following: true, name, fork } });
    socket = connect(store, "/ws/rooms", room, hooks);
    return;
  }
  let id;
  try {
    id = await startSession(meta, store);
  } catch (err) {
    store.set({ connection: "reconnecting", error: { field: "session", message: `could not create a session: ${err.message ?? err}` } });
    // The server is not answering yet: keep trying through the socket's own recovery path.
    id = storedSessionId() ?? "none";
  }
  socket = connect(store, wsBase, id, hooks);
  for (const msg of early.splice(0)) socket.send(msg);
}

boot();
