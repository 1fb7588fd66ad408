/**
 * The classroom on the lab page: the teacher opens a room around this tab's session (teacher.js: the join
 * code, URL and QR code, the roster, lock and close), students follow it read-only (student.js: the banner,
 * explore on my own, back to class), and the teacher asks the class (ask.js). This module holds them
 * together: the room messages from the socket (`bl:server`) into the store, the teacher's `auth` on every
 * (re)connect and `view` on every change of selection, notation or open view (tab), and the follower's mirrored view.
 */

import { mountAsk } from "./ask.js";
import { mountStudent } from "./student.js";
import { mountTeacher } from "./teacher.js";
import { keepStudentRoom, keepTeacherRoom, studentRoom, teacherRoom } from "./rooms-api.js";
import { openView } from "../controls/view-tabs.js";

/** The teacher's view goes out at most this often (a drag across neurons sends the last one). */
const VIEW_INTERVAL_MS = 100;

/**
 * The socket hooks of a page that may be in a room (main.js passes them to connect()).
 * @param {() => string|null} sessionId the socket's current session id (null before it exists)
 */
export function socketHooks(store, sessionId) {
  return {
    /** The teacher's tab proves it holds the token before sending anything else. */
    first(following) {
      const room = teacherRoom();
      if (following || !room || room.session !== sessionId()) return null;
      return { type: "auth", token: room.token };
    },
    /** The student's name and member id, so a reconnect is the same student. */
    roomQuery() {
      const me = studentRoom() ?? {};
      const q = new URLSearchParams();
      if (me.name) q.set("name", me.name);
      if (me.member) q.set("member", me.member);
      const text = q.toString();
      return text ? `?${text}` : "";
    },
    roomEnded(ev) {
      const c = store.get().classroom;
      const known = c?.closed || ev.code === 4010;
      store.set({ classroom: { ...(c ?? { role: "student" }), following: false, closed: true, unknown: !known, reason: ev.reason } });
    },
  };
}

/** The question state after a server message, or undefined when the message is not about the question. */
function questionUpdate(q, msg) {
  switch (msg.type) {
    case "question":
      return { ...msg, answer: msg.your_answer ?? null, summary: null, revealed: null };
    case "answers":
      return q && q.id === msg.question ? { ...q, summary: msg } : q;
    case "answered":
      return q && q.id === msg.question ? { ...q, answer: msg.value } : q;
    case "revealed":
      return q && q.id === msg.question ? { ...q, revealed: msg } : q;
    case "question_closed":
      return q && q.id === msg.question ? null : q;
    default:
      return undefined;
  }
}

/**
 * Mount the classroom.
 * @param {{get: Function, set: Function, subscribe: Function}} store
 * @param {() => ({send: Function, switchTo: Function, follow: Function, following: () => boolean, sessionId: () => string}|null)} socket
 */
export function mountClassroom(store, socket) {
  const send = (msg) => socket()?.send(msg);
  const mine = teacherRoom();
  if (mine && !store.get().classroom) store.set({ classroom: { role: "teacher", ...mine } });

  document.addEventListener("bl:server", (e) => {
    const msg = e.detail;
    const q = questionUpdate(store.get().question, msg);
    if (q !== undefined) {
      store.set({ question: q });
      return;
    }
    const c = store.get().classroom;
    if (msg.type === "room") {
      const me = { ...(studentRoom() ?? {}), code: msg.code };
      if (msg.member) Object.assign(me, { member: msg.member, name: msg.name });
      keepStudentRoom(me);
      store.set({ classroom: { ...(c ?? {}), role: "student", code: msg.code, locked: msg.locked, member: me.member, name: me.name, following: true, closed: false } });
    } else if (msg.type === "view" && socket()?.following()) {
      const ui = store.get().ui;
      // The teacher's "hide answers" is the room's, not this page's remembered choice.
      store.set({ classroom: { ...c, hideAnswers: Boolean(msg.hide_answers) } });
      store.set({ selection: msg.selection ?? null, ui: { ...ui, notation: msg.notation, showTest: msg.show_test } });
      openView(store, msg.tab ?? "lab");
    } else if (msg.type === "room_closed") {
      if (c?.role === "teacher") keepTeacherRoom(null);
      store.set({ classroom: c?.role === "teacher" ? null : { ...(c ?? {}), following: false, closed: true }, question: null });
      store.set({ error: { field: null, code: "room_closed", message: msg.message, at: Date.now() } });
    } else if (msg.type === "authorized" && c?.role === "teacher") {
      store.set({ classroom: { ...c, authorized: true } });
    }
  });

  // The teacher's selection and notation, mirrored on every follower's page.
  let viewTimer = null;
  let sentView = "";
  const sendView = () => {
    viewTimer = null;
    const s = store.get();
    if (s.classroom?.role !== "teacher") return;
    const sel = s.selection;
    const selection = sel ? { kind: sel.kind, layer: sel.layer, row: sel.row, ...(sel.kind === "weight" ? { col: sel.col } : {}) } : null;
    const view = { type: "view", selection: selection && selection.layer >= 1 ? selection : null, notation: s.ui.notation ?? "rows", show_test: Boolean(s.ui.showTest), hide_answers: Boolean(s.ui.hideAnswers), tab: s.view ?? "lab" };
    const text = JSON.stringify(view);
    if (text === sentView) return;
    sentView = text;
    send(view);
  };
  store.subscribe(["selection", "ui", "classroom", "view"], (s) => {
    if (s.classroom?.role === "teacher" && viewTimer === null) viewTimer = setTimeout(sendView, VIEW_INTERVAL_MS);
  });
  store.subscribe(["connection"], (s) => {
    if (s.connection === "open") sentView = ""; // a new socket: the room hears the view again
  });

  // A follower's page is read-only: its controls and the timeline take no input (also once the room has
  // closed, until the student opens a run of their own).
  store.subscribe(["classroom"], (s) => {
    const following = s.classroom?.role === "student" && Boolean(socket()?.following() ?? s.classroom.following);
    document.body.classList.toggle("following", following);
    for (const el of document.querySelectorAll("#controls .settings, #controls .transport, #timeline-view")) el.inert = following;
  });

  mountTeacher(store, { send, socket });
  mountStudent(store, { socket });
  mountAsk(store, { send });
}
