/**
 * Opening a share link (/#run=...): the page sends the fragment to POST /api/sessions/from-link, works on
 * the new session, hides the parts the link names (hide=...) and clears the fragment. A link the server
 * refuses (damaged, cut, another version) is said in a toast and the page starts a default session.
 */

import { createSession, rememberSession } from "./session.js";

/** The fragment's text when it holds a run (`run=...`), else null. */
export function linkFragment() {
  const text = location.hash.replace(/^#/, "");
  return /(^|&)run=/.test(text) ? text : null;
}

/** Hide the page's parts a link names (only those the server lists in /api/meta's share.link_hide). */
export function applyHide(fragment, meta) {
  const allowed = new Set(meta?.share?.link_hide ?? []);
  const names = (new URLSearchParams(fragment).get("hide") ?? "").split(",").filter((n) => allowed.has(n));
  for (const name of names) document.body.classList.add(`hide-${name}`);
  if (names.length) dispatchEvent(new Event("resize"));
}

/**
 * The session a link describes, created on the server; the fragment is cleared either way.
 * @returns {Promise<string>} the session's id (a default session's when the link is refused)
 */
export async function openLink(fragment, store) {
  history.replaceState(history.state, "", location.pathname + location.search);
  let message;
  try {
    const res = await fetch("/api/sessions/from-link", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ link: fragment }),
    });
    const body = await res.json().catch(() => null);
    if (res.status === 201 && body?.id) {
      rememberSession(body);
      applyHide(fragment, store.get().meta);
      return body.id;
    }
    const detail = body?.detail;
    message = Array.isArray(detail) ? detail.map((d) => d.msg).join("; ") : String(detail ?? `HTTP ${res.status}`);
  } catch (err) {
    message = `the link could not be opened: ${err.message ?? err}`;
  }
  const text = message.replace(/^link: /, "");
  store.set({ error: { field: null, message: `This link cannot be opened (${text}). A new default run was started instead.`, at: Date.now() } });
  return (await createSession({})).id;
}

/** A share link pasted into this tab's address bar changes only the fragment: load the page again to open it. */
export function watchLinks() {
  addEventListener("hashchange", () => {
    if (linkFragment()) location.reload();
  });
}
