/**
 * Ask the class. The teacher picks a value the run computes next (z, a or δ of a neuron of a layer, an
 * output ŷ, or the loss ℓ, all of the traced example) in the room card (#ask-teacher) and asks; every
 * screen of the room hides that value (answers.js) until it is revealed. A follower's card (#ask-student)
 * asks for a prediction; the teacher's card shows how many answered and a histogram of the answers, and
 * Reveal once the phase has run; then everyone sees the true value, each student next to their own answer.
 */

import { h } from "../controls/dom.js";
import { fmt } from "../format.js";
import { sizesOf } from "../views/network/values.js";

const QUANTITIES = [
  ["delta", "δ (backward)"],
  ["z", "z (forward)"],
  ["a", "a (forward)"],
  ["output", "ŷ (output)"],
  ["loss", "ℓ (loss)"],
];

function options(select, pairs, keep) {
  const key = pairs.map(([v, t]) => `${v}:${t}`).join("|");
  if (select.dataset.key !== key) {
    select.replaceChildren(...pairs.map(([v, t]) => h("option", { value: String(v) }, t)));
    select.dataset.key = key;
  }
  if (pairs.some(([v]) => String(v) === String(keep))) select.value = String(keep);
}

/** A histogram of the answers as bars (the true value marked once revealed). */
export function histogram(spread, value = null) {
  const counts = spread?.counts ?? [];
  const edges = spread?.edges ?? [];
  const box = h("div", { class: "ask-histogram", role: "img" });
  if (counts.length === 0) {
    box.textContent = "No answers yet.";
    return box;
  }
  const top = Math.max(...counts, 1);
  const bars = counts.map((n, i) => {
    const hit = value !== null && value >= edges[i] && (value < edges[i + 1] || (i === counts.length - 1 && value <= edges[i + 1]));
    const bar = h("span", { class: `ask-bar${hit ? " ask-bar-true" : ""}`, title: `${fmt(edges[i], 3)} to ${fmt(edges[i + 1], 3)}: ${n}` });
    bar.style.height = `${(100 * n) / top}%`;
    return bar;
  });
  box.setAttribute("aria-label", `answers from ${fmt(edges[0], 3)} to ${fmt(edges[edges.length - 1], 3)}, ${counts.join(", ")}`);
  box.append(
    h("div", { class: "ask-bars" }, ...bars),
    h("div", { class: "ask-axis" }, h("span", {}, fmt(edges[0], 3)), h("span", {}, fmt(edges[edges.length - 1], 3))),
  );
  return box;
}

/**
 * Mount the teacher's and the student's question cards.
 * @param {{get: Function, set: Function, subscribe: Function}} store
 * @param {{send: (msg: object) => void}} io
 */
export function mountAsk(store, io) {
  // The teacher's side, inside the room card.
  const quantity = h("select", { id: "ask-quantity", "aria-label": "Value to ask" });
  options(quantity, QUANTITIES, "delta");
  const layer = h("select", { id: "ask-layer", "aria-label": "Layer" });
  const unit = h("select", { id: "ask-unit", "aria-label": "Neuron" });
  const askBtn = h("button", { type: "button", id: "ask-send", class: "primary" }, "Ask the class");
  const status = h("p", { id: "ask-status", class: "ask-status", role: "status" });
  const chart = h("div", { id: "ask-chart" });
  const reveal = h("button", { type: "button", id: "ask-reveal" }, "Reveal");
  const dismiss = h("button", { type: "button", id: "ask-dismiss" }, "End question");
  const teacher = document.getElementById("ask-teacher");
  teacher?.append(
    h("div", { class: "ask-pick" }, quantity, h("label", {}, "layer ", layer), h("label", {}, "neuron ", unit), askBtn),
    status,
    chart,
    h("div", { class: "ask-buttons" }, reveal, dismiss),
  );
  askBtn.addEventListener("click", () => {
    const msg = { type: "ask", quantity: quantity.value };
    if (quantity.value !== "loss") {
      msg.layer = Number(layer.value);
      msg.unit = Number(unit.value);
    }
    io.send(msg);
  });
  reveal.addEventListener("click", () => io.send({ type: "reveal" }));
  dismiss.addEventListener("click", () => io.send({ type: "dismiss" }));
  for (const el of [quantity, layer]) el.addEventListener("change", () => pickers(store.get()));

  function pickers(s) {
    const sizes = sizesOf(s.frame?.weights ?? s.session?.weights ?? []);
    if (!sizes) return;
    const L = sizes.length - 1;
    const q = quantity.value;
    const layers = q === "output" ? [L] : q === "loss" ? [] : Array.from({ length: L }, (_, i) => i + 1);
    options(layer, layers.map((l) => [l, String(l)]), layer.value || (q === "delta" ? L : 1));
    const l = Number(layer.value) || L;
    options(unit, q === "loss" ? [] : Array.from({ length: sizes[l] }, (_, j) => [j, String(j + 1)]), unit.value || 0);
    layer.disabled = q === "loss" || q === "output";
    unit.disabled = q === "loss";
  }

  // The student's card.
  const prompt = h("p", { id: "ask-prompt", class: "ask-prompt" });
  const input = h("input", { id: "ask-answer", type: "number", step: "any", inputmode: "decimal", "aria-label": "Your prediction" });
  const submit = h("button", { type: "submit", id: "ask-submit", class: "primary" }, "Answer");
  const mine = h("p", { id: "ask-mine", class: "ask-mine", role: "status" });
  const form = h("form", { class: "ask-form" }, input, submit);
  const student = h("aside", { id: "ask-student", class: "ask-card", "aria-label": "Question from the teacher", hidden: true }, prompt, form, mine);
  document.body.append(student);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const q = store.get().question;
    const value = Number(input.value);
    if (!q || input.value.trim() === "" || !Number.isFinite(value)) {
      mine.textContent = "Type a number (e.g. 0.25 or -1.5e-2).";
      return;
    }
    io.send({ type: "answer", question: q.id, value });
  });
  input.addEventListener("keydown", (e) => e.stopPropagation()); // the page's shortcuts do not fire here

  store.subscribe(["question", "classroom", "frame", "session"], (s) => {
    const q = s.question;
    const c = s.classroom;
    const isTeacher = c?.role === "teacher";
    pickers(s);
    askBtn.textContent = q && !q.revealed ? "Ask instead" : "Ask the class";
    reveal.hidden = !q || Boolean(q.revealed);
    dismiss.hidden = !q;
    reveal.disabled = !q?.summary?.computed;
    reveal.title = q?.summary?.computed ? "Show the true value on every screen" : `Step to the ${q?.phase ?? ""} phase first: the value is not computed yet`;
    if (isTeacher) {
      const sum = q?.summary;
      status.textContent = !q
        ? "Ask for a value the next phases compute; every screen hides it until you reveal."
        : q.revealed
          ? `${q.label} = ${fmt(q.revealed.value, 4)}: ${q.revealed.close} of ${q.revealed.count} within ±${fmt(q.revealed.tolerance, 2)}`
          : `${q.label}: ${sum?.count ?? 0} of ${sum?.followers ?? 0} answered${sum?.computed ? " · computed, ready to reveal" : ` · step to its ${q.phase} phase`}`;
      chart.replaceChildren(...(q ? [histogram(q.revealed ?? q.summary, q.revealed?.value ?? null)] : []));
    }
    const showStudent = Boolean(q) && c?.role === "student" && c.following;
    student.hidden = !showStudent;
    if (!showStudent) return;
    form.hidden = Boolean(q.revealed);
    if (q.revealed) {
      const v = q.revealed.value;
      const yours = q.answer;
      const close = yours !== null && Math.abs(yours - v) <= q.revealed.tolerance;
      prompt.textContent = `${q.label} = ${fmt(v, 4)}`;
      mine.textContent = yours === null ? "You did not answer." : `Your answer: ${fmt(yours, 4)} — ${close ? "close: well done!" : `off by ${fmt(Math.abs(yours - v), 3)}`}`;
      student.dataset.result = yours === null ? "none" : close ? "close" : "off";
    } else {
      delete student.dataset.result;
      prompt.textContent = `Predict ${q.label}: what will the ${q.phase} phase compute?`;
      mine.textContent = q.answer === null ? "" : `Your answer: ${fmt(q.answer, 4)} (you may change it until the reveal)`;
    }
  });
}
