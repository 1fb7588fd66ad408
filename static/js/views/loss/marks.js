/**
 * Marks for live hyperparameter changes on the loss curve: a dotted vertical line at the step of each change
 * and a label naming what changed, e.g. "η 0.03 → 0.3" (shared/changes.js writes it).
 */

import { changeText } from "../shared/changes.js";

/**
 * plotly shapes and annotations for every change mark.
 * @param {{step: number, changes: object}[]} changes
 * @param {number} font
 * @param {number} [nTrain] training examples (a batch size above it is full batch)
 */
export function marksLayout(changes, font, nTrain = 0) {
  const shapes = [];
  const annotations = [];
  for (const c of changes) {
    shapes.push({
      type: "line",
      xref: "x",
      yref: "paper",
      x0: c.step,
      x1: c.step,
      y0: 0,
      y1: 1,
      line: { color: "rgba(60, 60, 60, 0.7)", width: 1, dash: "dot" },
    });
    annotations.push({
      x: c.step,
      xref: "x",
      y: 1,
      yref: "paper",
      text: changeText(c.changes, nTrain),
      showarrow: false,
      textangle: -90,
      xanchor: "right",
      yanchor: "top",
      font: { size: Math.max(9, font - 1), color: "rgb(50, 50, 50)" },
      bgcolor: "rgba(255, 255, 255, 0.75)",
    });
  }
  return { shapes, annotations };
}
