/**
 * The classroom's REST calls (docs/protocol.md, "Rooms") and what a tab keeps of its room in sessionStorage:
 * the teacher's room (code, teacher token: only this tab holds it) and the student's membership (code, member
 * id, display name, fork), so a reload is the same teacher or the same student again.
 */

const TEACHER_KEY = "backprop-lab:room";
const STUDENT_KEY = "backprop-lab:follow";
/** A display name is what the student types before joining (on /join), read once by the room page. */
const NAME_KEY = "backprop-lab:display-name";

function read(key) {
  try {
    const raw = sessionStorage.getItem(key);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

function write(key, value) {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage off: the room lasts as long as this page.
  }
}

/** The teacher's room of this tab ({code, token, session, joinUrl, qrUrl}) or null. */
export const teacherRoom = () => read(TEACHER_KEY);
export const keepTeacherRoom = (room) => write(TEACHER_KEY, room);
/** This tab's membership of a room ({code, member, name, fork}) or null. */
export const studentRoom = () => read(STUDENT_KEY);
export const keepStudentRoom = (room) => write(STUDENT_KEY, room);
export const chosenName = () => read(NAME_KEY);
export const keepChosenName = (name) => write(NAME_KEY, name);

/** An error from an answer's {"detail"} (a string, or FastAPI's list of problems). */
async function failure(res, what) {
  let detail = `HTTP ${res.status}`;
  try {
    const body = await res.json();
    if (typeof body.detail === "string") detail = body.detail;
    else if (Array.isArray(body.detail) && body.detail[0]?.msg) detail = body.detail[0].msg;
  } catch {
    // Not JSON: the status says it.
  }
  const err = new Error(`${what}: ${detail}`);
  err.status = res.status;
  return err;
}

async function call(method, path, { body, token, what }) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw await failure(res, what);
  return res.status === 204 ? null : res.json();
}

const at = (code) => `/api/rooms/${encodeURIComponent(code)}`;

/** Open a room around session `session`: {code, teacher_token, join_url, qr_url, session}. */
export const openRoom = (session) => call("POST", "/api/rooms", { body: { session }, what: "opening a room" });
/** {code, session_step, followers, forks, locked}. */
export const roomInfo = (code) => call("GET", at(code), { what: `room ${code}` });
export const roster = (code, token) => call("GET", `${at(code)}/roster`, { token, what: "the roster" });
export const lockRoom = (code, token, locked) => call("PATCH", at(code), { body: { locked }, token, what: "locking" });
export const closeRoom = (code, token) => call("DELETE", at(code), { token, what: "closing the room" });
/** A private session from the room's current state (the fork's state). */
export const forkRoom = (code, member, name) =>
  call("POST", `${at(code)}/fork`, { body: { member: member ?? undefined, name: name ?? undefined }, what: "exploring on your own" });
