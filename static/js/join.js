/**
 * The join page (/join): the student types the code the teacher shows (read as the server reads it: either
 * case, spaces and dashes ignored) and, if they like, a display name; the code is checked
 * (GET /api/rooms/{code}) and the page opens /r/{code}, which follows the room. The name goes along in
 * sessionStorage, not in the URL.
 */

import { keepChosenName } from "./classroom/rooms-api.js";

function meta() {
  try {
    return JSON.parse(document.body.dataset.meta ?? "null")?.limits ?? {};
  } catch {
    return {};
  }
}

const limits = meta();
const LENGTH = limits.room_code_length ?? 6;
const ALPHABET = limits.room_code_alphabet ?? "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/** The code as the server reads it, or null when it cannot be one. */
export function normalizeCode(text) {
  const code = String(text ?? "").toUpperCase().replace(/[\s-]/g, "");
  if (code.length !== LENGTH || [...code].some((ch) => !ALPHABET.includes(ch))) return null;
  return code;
}

const form = document.getElementById("join-form");
const codeInput = document.getElementById("join-code-input");
const nameInput = document.getElementById("join-name-input");
const problem = document.getElementById("join-error");
if (limits.max_display_name_chars) nameInput.maxLength = limits.max_display_name_chars;

function say(text) {
  problem.textContent = text;
  problem.hidden = !text;
  codeInput.setAttribute("aria-invalid", text ? "true" : "false");
}

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  const code = normalizeCode(codeInput.value);
  if (!code) {
    say(`Code: ${LENGTH} characters, letters and digits (there is no 0, O, 1, I or L in a code).`);
    codeInput.focus();
    return;
  }
  say("");
  let res;
  try {
    res = await fetch(`/api/rooms/${code}`);
  } catch {
    say("The lab's server cannot be reached: check that you are on the lecture hall's network.");
    return;
  }
  if (res.status === 404) {
    const body = await res.json().catch(() => ({}));
    say(typeof body.detail === "string" ? body.detail : `No open room has the code ${code}.`);
    return;
  }
  if (res.status === 429) {
    say("Too many unknown codes from this device: wait a minute, then try again.");
    return;
  }
  if (!res.ok) {
    say(`The server answered ${res.status}: try again.`);
    return;
  }
  keepChosenName(nameInput.value.trim() || null);
  location.assign(`/r/${code}`);
});

codeInput.focus();
