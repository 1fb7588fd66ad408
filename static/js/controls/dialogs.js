/**
 * The dialogs the controls own: the past's prompt and the branch dialog of the time line (compare is a view
 * of its own, views/compare/), and the Share dialog.
 */

import { mountBranch } from "./branch.js";
import { mountCsvImport } from "./csv-import.js";
import { mountPrompt } from "./prompt.js";
import { mountShare } from "./share.js";

/**
 * Mount the prompt into #prompt-overlay, the branch dialog into #branch-overlay, the CSV import into
 * #csv-overlay, Share into #share-overlay.
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
  const share = document.getElementById("share-overlay");
  if (share) mountShare(share, store);
}
