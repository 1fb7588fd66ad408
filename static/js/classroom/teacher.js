/**
 * The teacher's side of a room: the Classroom button opens one around this tab's session (POST /api/rooms;
 * the teacher token stays in this tab's sessionStorage) and shows the join screen (#join-screen: the code in
 * large letters, the join URL, the QR code drawn by the server; scannable from the back row in presenter
 * mode). The room's bar (#classroom-panel, a row of the header) then shows the code, how many follow and
 * explore and their names (the roster, polled), lock or unlock exploring, close the room, and opens the card
 * that asks the class (#ask-teacher-card, ask.js).
 */

import { h } from "../controls/dom.js";
import { closeRoom, keepTeacherRoom, lockRoom, openRoom, roster } from "./rooms-api.js";

const ROSTER_MS = 2000;
const NAMES_SHOWN = 60;
const CONFIRM_MS = 4000;

function button(id, text, title, onclick) {
  return h("button", { type: "button", id, title, onclick }, text);
}

/**
 * Mount the join screen and the room card.
 * @param {{get: Function, set: Function, subscribe: Function}} store
 * @param {{send: (msg: object) => void, socket: () => object|null}} io
 */
export function mountTeacher(store, io) {
  const code = h("div", { id: "join-code", class: "join-code" });
  const url = h("a", { id: "join-url", class: "join-url", target: "_blank", rel: "noopener" });
  const qr = h("img", { id: "join-qr", class: "join-qr", alt: "QR code of the join link" });
  const count = h("p", { id: "join-count", class: "join-count" });
  const screen = h(
    "div",
    { id: "join-screen", class: "join-screen", role: "dialog", "aria-label": "Join the class", hidden: true },
    h(
      "div",
      { class: "join-card" },
      h("p", { class: "join-lead" }, "Join the class: open the link or scan the code, then type the code if asked"),
      code,
      qr,
      url,
      count,
      button("join-hide", "Start the lesson", "Hide the join screen (the room card keeps the code)", () => show(false)),
    ),
  );
  screen.addEventListener("keydown", (e) => {
    if (e.key === "Escape") show(false);
    e.stopPropagation();
  });

  const title = h("strong", { class: "cr-title" });
  const counts = h("span", { id: "classroom-counts", class: "cr-counts", role: "status" });
  const names = h("ul", { id: "classroom-names", class: "cr-names" });
  const lock = button("classroom-lock", "Lock exploring", "Eyes on me: students cannot fork until you unlock", () => toggleLock());
  const askToggle = button("classroom-ask", "Ask the class…", "Ask the class to predict a value the next phases compute", () => {
    askCard.hidden = !askCard.hidden;
  });
  // The room's bar, in the header: it covers nothing of the network or the formulas.
  const panel = h(
    "div",
    { id: "classroom-panel", class: "bar bar-classroom", role: "region", "aria-label": "Classroom", hidden: true },
    title,
    counts,
    h("details", { class: "cr-roster" }, h("summary", {}, "Who is here"), names),
    h(
      "span",
      { class: "cr-actions" },
      askToggle,
      button("classroom-show-code", "Join screen", "Show the join code and QR code large", () => show(true)),
      lock,
      button("classroom-close", "Close room", "End the class: every student is told; their explorations stay theirs", () => close()),
    ),
  );
  const askCard = h(
    "aside",
    { id: "ask-teacher-card", class: "ask-card", "aria-label": "Ask the class", hidden: true },
    h("div", { class: "cr-head" }, h("strong", {}, "Ask the class"), button("ask-hide", "Hide", "Hide this card (the question stays open)", () => {
      askCard.hidden = true;
    })),
    h("div", { id: "ask-teacher", class: "cr-ask" }),
  );
  document.getElementById("controls")?.append(panel);
  document.body.append(screen, askCard);
  let askedId = null; // a new question opens the card; its answers coming in do not reopen it
  store.subscribe(["question"], (s) => {
    if (s.question && s.question.id !== askedId && s.classroom?.role === "teacher") askCard.hidden = false;
    askedId = s.question?.id ?? null;
  });


  let shown = false;
  function show(on) {
    shown = on && store.get().classroom?.role === "teacher";
    screen.hidden = !shown;
    if (shown) screen.querySelector("#join-hide")?.focus();
  }

  const fail = (err) => store.set({ error: { field: "room", message: String(err.message ?? err), at: Date.now() } });

  async function open() {
    const c = store.get().classroom;
    if (c?.role === "teacher") {
      show(!shown);
      return;
    }
    if (c?.role === "student") return;
    const session = io.socket()?.sessionId();
    if (!session) return;
    try {
      const room = await openRoom(session);
      const kept = { code: room.code, token: room.teacher_token, session: room.session, joinUrl: room.join_url, qrUrl: room.qr_url };
      keepTeacherRoom(kept);
      store.set({ classroom: { role: "teacher", ...kept, locked: false, roster: null } });
      io.send({ type: "auth", token: kept.token });
      show(true);
      poll();
    } catch (err) {
      fail(err);
    }
  }
  document.addEventListener("bl:classroom", open);

  async function toggleLock() {
    const c = store.get().classroom;
    try {
      const info = await lockRoom(c.code, c.token, !c.locked);
      store.set({ classroom: { ...store.get().classroom, locked: info.locked } });
    } catch (err) {
      fail(err);
    }
  }

  // Closing asks once: the button says "Really close?" for a few seconds, a second click closes.
  let armed = null;
  const closeBtn = panel.querySelector("#classroom-close");
  async function close() {
    const c = store.get().classroom;
    if (!c) return;
    if (armed === null) {
      closeBtn.textContent = "Really close?";
      armed = setTimeout(() => {
        armed = null;
        closeBtn.textContent = "Close room";
      }, CONFIRM_MS);
      return;
    }
    clearTimeout(armed);
    armed = null;
    closeBtn.textContent = "Close room";
    try {
      await closeRoom(c.code, c.token);
    } catch (err) {
      if (err.status !== 404) return fail(err);
    }
    keepTeacherRoom(null);
    store.set({ classroom: null, question: null });
    show(false);
  }

  let timer = null;
  async function poll() {
    clearTimeout(timer);
    timer = null;
    const c = store.get().classroom;
    if (c?.role !== "teacher") return;
    try {
      const r = await roster(c.code, c.token);
      const now = store.get().classroom;
      if (now?.code === c.code) store.set({ classroom: { ...now, roster: r, locked: r.locked } });
    } catch (err) {
      if (err.status === 404 || err.status === 403) {
        keepTeacherRoom(null);
        store.set({ classroom: null, question: null });
        fail(new Error(`room ${c.code} has closed`));
        return;
      }
    }
    timer = setTimeout(poll, ROSTER_MS);
  }
  if (store.get().classroom?.role === "teacher") poll();

  store.subscribe(["classroom"], (s) => {
    const c = s.classroom?.role === "teacher" ? s.classroom : null;
    panel.hidden = !c;
    document.body.classList.toggle("teaching", Boolean(c));
    if (!c) {
      askCard.hidden = true;
      return show(false);
    }
    title.textContent = `Room ${c.code}`;
    code.textContent = c.code;
    url.textContent = c.joinUrl;
    url.href = c.joinUrl;
    if (qr.getAttribute("src") !== c.qrUrl) qr.src = c.qrUrl;
    const r = c.roster;
    const followText = r ? `${r.followers} following · ${r.explorers} exploring` : "waiting for students…";
    counts.textContent = followText;
    count.textContent = r ? `${r.followers} joined` : "";
    lock.textContent = c.locked ? "Unlock exploring" : "Lock exploring";
    lock.setAttribute("aria-pressed", String(Boolean(c.locked)));
    const members = r?.members ?? [];
    const items = members.slice(0, NAMES_SHOWN).map((m) => h("li", { class: `cr-${m.status}` }, `${m.name} (${m.status})`));
    if (members.length > NAMES_SHOWN) items.push(h("li", {}, `and ${members.length - NAMES_SHOWN} more`));
    names.replaceChildren(...items);
  });
}
