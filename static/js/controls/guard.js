/**
 * Every message a control or a view asks to send passes here first. From the past (a step before the run's
 * latest), a forward step after a jump asks once whether to replay the recorded run, continue from here
 * (discarding the later history) or branch; a change to the run (a setting, an edit, a point, a reset) asks
 * whether to discard the later history or to make it in a new branch instead. Everything else goes straight on.
 */

import { inPast, position } from "../past.js";

/** Messages that move the run forward: from the past they replay the recorded steps. */
const FORWARD = new Set(["step", "play"]);
/** Messages that change the run: from the past they discard the recorded steps after the current one. */
const CHANGES = new Set(["set", "rebuild", "set_parameters", "set_weight", "set_bias", "reset", "add_point", "remove_point"]);

/**
 * The filter main.js puts between `bl:send` and the socket.
 * @param {{get: Function, set: Function}} store
 * @param {(msg: object) => void} forward sends a message to the server
 * @returns {(msg: object) => void}
 */
export function createGuard(store, forward) {
  /** Sent to the new run once the page has switched to it (a change made "in a new branch"). */
  let afterBranch = [];
  document.addEventListener("bl:branched", () => {
    for (const msg of afterBranch.splice(0)) forward(msg);
  });

  function ask(kind, msg) {
    const { step, latest } = position(store.get());
    store.set({ dialog: { kind: "prompt", ask: kind, msg, step, latest } });
  }

  const filter = (msg) => {
    const s = store.get();
    if (s.dialog?.kind === "prompt" && (FORWARD.has(msg.type) || CHANGES.has(msg.type))) return;
    if (!inPast(s) || !(FORWARD.has(msg.type) || CHANGES.has(msg.type))) {
      if (msg.type === "back") store.set({ replay: true });
      forward(msg);
      return;
    }
    if (CHANGES.has(msg.type)) ask("change", msg);
    else if (!s.replay) ask("forward", msg);
    else forward(msg);
  };

  /**
   * The answer to the open prompt: "replay" (keep the later steps), "continue" (discard them first),
   * "discard" (make the change, which discards them), "branch" (a new run from here; a change goes with it).
   */
  filter.answer = (choice) => {
    const d = store.get().dialog;
    if (d?.kind !== "prompt") return;
    const msg = d.msg;
    if (choice === "cancel") {
      store.set({ dialog: null });
      // A slider or a box that showed the refused value shows the run's again.
      if (CHANGES.has(msg.type) && store.get().session) store.set({ session: { ...store.get().session } });
      return;
    }
    if (choice === "branch") {
      const changes = msg.type === "set" ? msg.changes : {};
      afterBranch = msg.type === "set" || FORWARD.has(msg.type) ? [] : [msg];
      store.set({ dialog: { kind: "branch", step: d.step, reason: "branch", changes } });
      return;
    }
    store.set({ dialog: null, replay: true });
    if (choice === "continue") forward({ type: "continue" });
    forward(msg);
  };

  /** Forget a change waiting for a branch that was not made (the branch dialog was cancelled). */
  filter.dropPending = () => {
    afterBranch = [];
  };
  return filter;
}
