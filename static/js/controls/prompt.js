/**
 * The question the page asks before it leaves the past: a forward step after a jump (replay the recorded
 * run, continue from here and discard the later steps, or branch a new run) and a change to the run
 * (discard the later steps, or make the change in a new branch). The answers go to the guard (guard.js).
 */

import { fmtInt } from "../format.js";
import { button, h } from "./dom.js";
import { modal } from "./modal.js";

/** The later recorded steps in words: "steps 13–40". */
function later(d) {
  return d.latest === d.step + 1 ? `step ${fmtInt(d.latest)}` : `steps ${fmtInt(d.step + 1)}–${fmtInt(d.latest)}`;
}

/** What the asked-about change is, in words. */
function changeWhat(msg) {
  const what = {
    set: "Changing a setting",
    rebuild: "Rebuilding the network",
    set_parameters: "Setting the parameters",
    set_weight: "Editing a weight",
    set_bias: "Editing a bias",
    reset: "Resetting",
    add_point: "Adding a point",
    remove_point: "Removing a point",
  };
  return what[msg.type] ?? "This change";
}

/**
 * Mount the prompt into `root` (#prompt-overlay).
 * @param {HTMLElement} root
 * @param {{get: Function, set: Function, subscribe: Function}} store
 * @param {(choice: string) => void} answer the guard's answer function
 */
export function mountPrompt(root, store, answer) {
  const title = h("h2", { id: "prompt-title" });
  const text = h("p", { class: "dialog-text" });
  const choices = h("div", { class: "dialog-choices" });
  const card = h("div", { class: "dialog-card prompt-card" }, title, text, choices);
  root.replaceChildren(card);

  const choice = (id, label, detail, value) =>
    button(h("span", { class: "choice-label" }, label), detail, () => answer(value), { id, class: "choice", "data-choice": value });

  modal(root, store, "prompt", {
    cancel: () => answer("cancel"),
    render(d) {
      const k = fmtInt(d.step);
      const rest = later(d);
      if (d.ask === "forward") {
        title.textContent = `You are at step ${k}; the run goes on to step ${fmtInt(d.latest)}`;
        text.textContent = "Stepping on from here can replay what was recorded, or start again from this step.";
        choices.replaceChildren(
          choice("prompt-replay", `Replay the recorded run (keep ${rest})`, "Step through the recorded run again: the same numbers", "replay"),
          choice("prompt-continue", `Continue from here (discard ${rest})`, `Forget ${rest} and train on from step ${k}`, "continue"),
          choice("prompt-branch", `Branch a new run from step ${k}`, "A new run from this step; this run is kept as it is", "branch"),
          choice("prompt-cancel", "Cancel", "Do nothing (Esc)", "cancel"),
        );
      } else {
        title.textContent = `${changeWhat(d.msg)} at step ${k} changes the run's history`;
        text.textContent = `The run goes on to step ${fmtInt(d.latest)}. The change can replace what came after this step, or go into a new run.`;
        choices.replaceChildren(
          choice("prompt-discard", `Discard ${rest} and make the change`, `Forget ${rest}; the run goes on from step ${k} with the change`, "discard"),
          choice("prompt-branch", `Branch a new run from step ${k} with the change`, "A new run from this step with the change; this run is kept as it is", "branch"),
          choice("prompt-cancel", "Cancel", "Do nothing (Esc)", "cancel"),
        );
      }
    },
  });
}
