/**
 * The timeline strip under the loss curve: a scrubber over the run's recorded steps (first..latest) at the
 * current step, "step k of n", a tick per mark (a live change, an edit, a data change, a divergence, a
 * saturation, a branch, a discarded future) named in its tooltip and to screen readers, and the run's
 * family: a picker to switch to its parent, a branch or a sibling, and Branch, Same init and Compare.
 * Dragging seeks at most SEEKS_PER_SECOND times a second, and the last position is always sent.
 */

import { fmtInt } from "../../format.js";
import { el, startView } from "../shared/view-frame.js";
import { KINDS, familyRuns, markText } from "./marks.js";
import { openBranch, position, seek } from "../../past.js";

const SEEKS_PER_SECOND = 8;
/** At most this many ticks are drawn (a very long run's marks are thinned evenly). */
const MAX_TICKS = 300;

function button(id, text, title, onClick) {
  const b = el("button", "tl-button", text);
  b.type = "button";
  b.id = id;
  b.title = title;
  b.addEventListener("pointerdown", (e) => e.preventDefault());
  b.addEventListener("click", onClick);
  return b;
}

/**
 * Mount the strip into `root` (#timeline-view).
 * @param {HTMLElement} root
 * @param {{get: Function, set: Function, subscribe: Function}} store
 */
export function mount(root, store) {
  startView(root, "timeline-view");
  const title = el("span", "tl-title", "Timeline");
  const scrub = el("input", "tl-scrub");
  Object.assign(scrub, { type: "range", id: "timeline-scrub", min: "0", max: "0", step: "1", value: "0" });
  scrub.setAttribute("aria-label", "Step of the recorded run");
  const ticks = el("div", "tl-ticks");
  ticks.setAttribute("role", "list");
  ticks.setAttribute("aria-label", "Marks on the timeline");
  const track = el("div", "tl-track");
  track.append(ticks, scrub);
  const where = el("output", "tl-where");
  where.id = "timeline-position";
  where.setAttribute("for", "timeline-scrub");
  const top = el("div", "tl-row tl-row-scrub");
  top.append(title, track, where);

  const runLabel = el("label", "tl-run-label", "Run");
  runLabel.classList.add("tl-long");
  const runs = el("select", "tl-runs");
  runs.id = "run-select";
  runs.title = "This run's family: switch to its parent, a branch or a sibling";
  runs.setAttribute("aria-label", "Run");
  runLabel.htmlFor = "run-select";
  const branchBtn = button("btn-branch", "Branch…", "Branch a new run from the step shown, with other settings", () => openBranch(store, position(store.get()).step));
  const siblingBtn = button("btn-sibling", "Same init", "Same init, other setting: a new run from step 0 with the same initial weights and other settings", () => openBranch(store, 0, "sibling"));
  siblingBtn.append(el("span", "tl-long", ", other setting"));
  siblingBtn.setAttribute("aria-label", "Same init, other setting");
  const compareBtn = button("btn-compare", "Compare", "This run and another of its family side by side: loss curves and decision boundaries", () => {
    const other = runs.value !== sessionId() ? runs.value : otherRun();
    if (other) store.set({ dialog: { kind: "compare", other } });
  });
  const bottom = el("div", "tl-row tl-row-runs");
  bottom.append(runLabel, runs, branchBtn, siblingBtn, compareBtn);
  root.append(top, bottom);

  const sessionId = () => store.get().session?.id ?? null;
  /** Another run to compare with: the parent, else the newest branch, else a sibling. */
  function otherRun() {
    const list = familyRuns(sessionId(), store.get().timeline, parentTimeline).map(([id]) => id);
    return list.find((id) => id !== sessionId()) ?? null;
  }

  runs.addEventListener("change", () => {
    const id = runs.value;
    if (id && id !== sessionId()) document.dispatchEvent(new CustomEvent("bl:switch", { detail: { id } }));
    runs.blur();
  });

  // Dragging: seek at most SEEKS_PER_SECOND times a second; the last value always goes.
  let dragging = false;
  let sentAt = -Infinity;
  let sent = null;
  let timer = null;
  const sendNow = () => {
    timer = null;
    const k = Number(scrub.value);
    if (k === sent) return;
    sent = k;
    sentAt = performance.now();
    seek(store, k);
  };
  scrub.addEventListener("input", () => {
    dragging = true;
    showWhere(Number(scrub.value));
    const wait = sentAt + 1000 / SEEKS_PER_SECOND - performance.now();
    if (wait <= 0) sendNow();
    else if (timer === null) timer = setTimeout(sendNow, wait);
  });
  // After a drag the page's shortcuts get the keyboard back (→ steps again); moved with the arrow keys the
  // scrubber keeps the focus.
  let byPointer = false;
  scrub.addEventListener("pointerdown", () => {
    byPointer = true;
  });
  const release = () => {
    const pointer = byPointer;
    byPointer = false;
    if (dragging) {
      dragging = false;
      if (timer !== null) clearTimeout(timer);
      sendNow();
    }
    if (pointer) scrub.blur();
  };
  scrub.addEventListener("change", release);
  scrub.addEventListener("pointerup", release);
  scrub.addEventListener("blur", release);

  function showWhere(step) {
    const { latest } = position(store.get());
    where.textContent = `step ${fmtInt(step)} of ${fmtInt(latest)}`;
    scrub.setAttribute("aria-valuetext", `step ${fmtInt(step)} of ${fmtInt(latest)}`);
  }

  let ticksKey = "";
  function render(s) {
    const { step, first, latest } = position(s);
    scrub.min = String(first);
    scrub.max = String(latest);
    scrub.disabled = latest <= first;
    if (!dragging) {
      scrub.value = String(step);
      sent = step;
      showWhere(step);
    }
    root.classList.toggle("in-past", step < latest);
    const marks = (s.timeline?.marks ?? []).filter((m) => m.kind !== "start");
    const key = `${first}|${latest}|${marks.length}|${marks.length ? marks[marks.length - 1].step : ""}`;
    if (key !== ticksKey) {
      ticksKey = key;
      drawTicks(marks, first, latest);
    }
  }

  function drawTicks(marks, first, latest) {
    const span = Math.max(1, latest - first);
    const every = Math.ceil(marks.length / MAX_TICKS);
    const shown = marks.filter((_, i) => i % every === 0);
    ticks.replaceChildren(
      ...shown.map((m) => {
        const t = el("span", `tl-tick tl-${KINDS[m.kind] ? m.kind : "change"}`);
        const text = markText(m);
        t.title = text;
        t.setAttribute("role", "listitem");
        t.setAttribute("aria-label", text);
        t.style.left = `${(100 * (Math.min(latest, Math.max(first, m.step)) - first)) / span}%`;
        t.addEventListener("click", () => seek(store, Math.min(latest, Math.max(first, m.step))));
        return t;
      }),
    );
    root.dataset.marks = String(shown.length);
  }

  /** The parent's timeline (for the siblings), fetched when the parent changes. */
  let parentTimeline = null;
  let parentAsked = null;
  let runsKey = "";
  function renderRuns(s) {
    const id = sessionId();
    const parent = s.timeline?.parent?.id ?? null;
    if (parent !== parentAsked) {
      parentAsked = parent;
      parentTimeline = null;
      if (parent) {
        fetch(`/api/sessions/${encodeURIComponent(parent)}/timeline`)
          .then((r) => (r.ok ? r.json() : null))
          .then((t) => {
            if (parentAsked !== parent) return;
            parentTimeline = t;
            renderRuns(store.get());
          })
          .catch(() => {});
      }
    }
    const list = id ? familyRuns(id, s.timeline, parentTimeline) : [];
    const key = JSON.stringify(list);
    if (key !== runsKey) {
      runsKey = key;
      runs.replaceChildren(...list.map(([value, text]) => Object.assign(document.createElement("option"), { value, textContent: text })));
    }
    if (id) runs.value = id;
    runs.disabled = list.length < 2;
    compareBtn.disabled = list.length < 2;
    root.dataset.runs = String(list.length);
  }

  store.subscribe(["frame", "timeline", "session"], render);
  store.subscribe(["timeline", "session"], renderRuns);
  render(store.get());
  renderRuns(store.get());
}
