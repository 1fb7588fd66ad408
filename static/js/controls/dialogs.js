/**
 * The dialogs of the time line that the controls own: the past's prompt and the branch dialog (compare is a
 * view of its own, views/compare/).
 */

import { mountBranch } from "./branch.js";
import { mountCsvImport } from "./csv-import.js";
import { mountPrompt } from "./prompt.js";

/**
 * Mount the prompt into #prompt-overlay and the branch dialog into #branch-overlay.
 * @param {{get: Function, set: Function, subscribe: Function}} store
 * @param {((msg: object) => void) & {answer: (choice: string) => void, dropPending: () => void}} guard
 * @param {(msg: object) => void} toSocket sends a message without asking
 */
export function mountDialogs(store, guard, toSocket) {
  const prompt = document.getElementById("prompt-overlay");
  const branch = document.getElementById("branch-overlay");
  if (prompt) mountPrompt(prompt, store, guard.answer);
  if (branch) mountBranch(branch, store, { send: toSocket, cancelled: guard.dropPending });
  const csv = document.getElementById("csv-overlay");
  if (csv) mountCsvImport(csv, store);
}
