/**
 * The student's side of a room: a row of the header (#classroom-banner) says whose run this is. Following, the page
 * shows the teacher's run read-only (its controls take no input) with "Explore on my own", which forks the
 * room's current state into a private session (POST /api/rooms/{code}/fork: the same numbers, every
 * control) unless the teacher has locked it; exploring, "Back to class" follows the room again. When the
 * room closes the banner says so, and the student's exploration (if any) stays theirs.
 */

import { h } from "../controls/dom.js";
import { setRemembering, rememberSession } from "../session.js";
import { forkRoom, keepStudentRoom, studentRoom } from "./rooms-api.js";

/**
 * Mount the student's banner.
 * @param {{get: Function, set: Function, subscribe: Function}} store
 * @param {{socket: () => object|null}} io
 */
export function mountStudent(store, io) {
  const text = h("span", { class: "cr-title" });
  const explore = h("button", { type: "button", id: "btn-explore", onclick: () => fork() }, "Explore on my own");
  const back = h("button", { type: "button", id: "btn-back-to-class", onclick: () => follow() }, "Back to class");
  const mine = h("button", { type: "button", id: "btn-my-run", onclick: () => ownRun() }, "Open my exploration");
  const fresh = h("a", { id: "btn-new-lab", class: "button-link", href: "/?new" }, "Start my own lab");
  const join = h("a", { id: "btn-join-other", class: "button-link", href: "/join" }, "Join another class");
  const banner = h(
    "div",
    { id: "classroom-banner", class: "bar bar-classroom bar-student", role: "status", hidden: true },
    text,
    h("span", { class: "cr-actions" }, explore, back, mine, fresh, join),
  );
  document.getElementById("controls")?.append(banner); // a row of the header: it covers nothing

  const fail = (err) => store.set({ error: { field: "room", message: String(err.message ?? err), at: Date.now() } });

  async function fork() {
    const c = store.get().classroom;
    if (!c?.following) return;
    try {
      const state = await forkRoom(c.code, c.member, c.name);
      setRemembering(true);
      rememberSession(state);
      keepStudentRoom({ ...(studentRoom() ?? {}), fork: state.id });
      io.socket()?.switchTo(state.id);
      store.set({ classroom: { ...c, following: false, fork: state.id }, question: null });
    } catch (err) {
      fail(err);
    }
  }

  function follow() {
    const c = store.get().classroom;
    if (!c || c.closed) return;
    setRemembering(false);
    io.socket()?.follow(c.code);
    store.set({ classroom: { ...c, following: true }, selection: null });
  }

  function ownRun() {
    const c = store.get().classroom;
    if (!c?.fork) return;
    setRemembering(true);
    io.socket()?.switchTo(c.fork);
    store.set({ classroom: { ...c, following: false } });
  }

  store.subscribe(["classroom"], (s) => {
    const c = s.classroom?.role === "student" ? s.classroom : null;
    banner.hidden = !c;
    if (!c) return;
    const onFork = !c.following && Boolean(c.fork) && io.socket()?.sessionId() === c.fork;
    if (c.closed && c.unknown) {
      text.textContent = `No open room has the code ${c.code}${c.reason ? ` (${c.reason})` : ""}. Check the code with your teacher.`;
    } else if (c.closed) {
      text.textContent = `Room ${c.code} has closed: the class is over.${c.fork ? " Your own exploration stays yours." : ""}`;
    } else if (c.following) {
      const who = c.name ? ` as ${c.name}` : "";
      text.textContent = c.locked
        ? `Following room ${c.code}${who}: the teacher's run, read-only. Exploring is locked for now (eyes on the teacher).`
        : `Following room ${c.code}${who}: the teacher's run, read-only.`;
    } else {
      text.textContent = `Exploring on your own (room ${c.code}): every control is yours; the teacher's run goes on.`;
    }
    explore.hidden = !c.following;
    explore.disabled = Boolean(c.locked);
    explore.title = c.locked ? "The teacher has locked exploring for now" : "A private copy of the teacher's run as it is now, with every control";
    back.hidden = c.following || c.closed;
    mine.hidden = !(c.fork && !onFork && !c.unknown); // back to the exploration this tab made (after a reload too)
    fresh.hidden = !(c.closed && !c.fork);
    join.hidden = !(c.closed && c.unknown);
  });
}
