/**
 * The timeline's marks in words: what happened at a step (a live change, an edit, a data change, a
 * divergence, a saturation, a branch, a discarded future), for each tick's tooltip and its accessible name,
 * and the runs of a family ("branch at step 40: η 0.03 → 0.003").
 */

import { fmtInt } from "../../format.js";
import { changeText, settingsText } from "../shared/changes.js";

/** The kinds drawn on the strip, with the words of the legend. */
export const KINDS = {
  start: "start",
  change: "setting changed",
  edit: "parameters edited",
  data: "data changed",
  diverged: "diverged",
  saturated: "saturated",
  branch: "branch",
  discarded: "history discarded",
};

const EDITS = { parameters: "all parameters set", weight: "a weight edited", bias: "a bias edited" };

/** What one mark says: "step 40: η 0.03 → 0.3". */
export function markText(m) {
  const at = `step ${fmtInt(m.step)}`;
  switch (m.kind) {
    case "start":
      return `${at}: start${m.seed !== undefined && m.seed !== null ? ` (seed ${m.seed})` : ""}`;
    case "change":
      return `${at}: ${changeText(m.changes ?? {})}`;
    case "edit": {
      const where = m.layer ? ` (layer ${m.layer}${m.row !== undefined && m.row !== null ? `, neuron ${m.row + 1}` : ""}${m.col !== undefined && m.col !== null ? `, input ${m.col + 1}` : ""})` : "";
      return `${at}: ${EDITS[m.what] ?? "parameters edited"}${where}`;
    }
    case "data":
      return `${at}: ${m.what === "remove" ? "a point removed" : "a point added"}`;
    case "diverged":
      return `${at}: diverged${m.message ? ` — ${m.message}` : ""}`;
    case "saturated":
      return `${at}: the units saturated`;
    case "branch": {
      const why = m.reason === "recover" ? "way out" : m.reason === "sibling" ? "sibling run" : "branch";
      return `${at}: ${why} — ${settingsText(m.changes)}`;
    }
    case "discarded":
      return `${at}: steps ${fmtInt(m.from ?? m.step + 1)}–${fmtInt(m.to ?? m.step)} discarded`;
    default:
      return `${at}: ${m.kind}`;
  }
}

/**
 * The runs of this run's family: its parent, itself, its branches and its parent's other branches (siblings),
 * as [id, label] for the run picker.
 * @param {string} id this run
 * @param {object|null} timeline this run's
 * @param {object|null} parentTimeline its parent's (for the siblings), when known
 */
export function familyRuns(id, timeline, parentTimeline) {
  const runs = [];
  const parent = timeline?.parent ?? null;
  if (parent) runs.push([parent.id, `parent run (this one branched off at step ${fmtInt(parent.step)})`]);
  runs.push([id, "this run"]);
  for (const b of timeline?.branches ?? []) runs.push([b.id, `${branchWord(b)} at step ${fmtInt(b.step)}: ${settingsText(b.changes)}`]);
  for (const b of parentTimeline?.branches ?? []) {
    if (b.id === id || runs.some(([r]) => r === b.id)) continue;
    runs.push([b.id, `sibling at step ${fmtInt(b.step)}: ${settingsText(b.changes)}`]);
  }
  return runs;
}

function branchWord(b) {
  if (b.reason === "recover") return "way out";
  if (b.reason === "sibling") return "sibling";
  return "branch";
}
