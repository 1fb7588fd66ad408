/**
 * REST calls of the views: same-origin JSON fetches. A non-2xx answer throws an Error whose message is the
 * server's own sentence (the first problem of a 422, which names the field and the allowed range), with
 * `.status`, `.detail` (the body's detail as sent) and `.field` (the 422's field path, e.g. "values.x").
 */

/** The field path of a 422 problem's `loc`, without "body" / "query": ["body", "values", "x"] → "values.x". */
export function fieldOf(loc) {
  if (!Array.isArray(loc)) return null;
  const parts = loc.filter((p, i) => !(i === 0 && (p === "body" || p === "query" || p === "path")));
  return parts.length ? parts.join(".") : null;
}

async function failure(res) {
  let detail = null;
  try {
    detail = (await res.json()).detail ?? null;
  } catch {
    // Not JSON: the status says it.
  }
  const first = Array.isArray(detail) ? detail[0] : null;
  const message = typeof detail === "string" ? detail : first?.msg ?? `HTTP ${res.status}`;
  const err = new Error(message);
  err.status = res.status;
  err.detail = detail;
  err.field = first ? fieldOf(first.loc) : null;
  return err;
}

async function request(path, init) {
  const res = await fetch(path, { credentials: "same-origin", ...init });
  if (!res.ok) throw await failure(res);
  return res.status === 204 ? null : res.json();
}

/** GET `path` and parse its JSON. */
export function getJson(path) {
  return request(path, { method: "GET", headers: { Accept: "application/json" } });
}

/** POST `body` as JSON to `path` and parse the JSON answer. */
export function postJson(path, body) {
  return request(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body ?? {}),
  });
}
