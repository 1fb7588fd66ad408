"""A run as a Jupyter notebook (nbformat 4): the script's sections as cells, a markdown cell before each
(one per phase: forward, loss, backward, update), then the training and the comparison with the lab."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from app.export.plan import Plan
from app.export.script import sections

RUN = """WB, X, Y = train()
loss = mean_loss(WB, X, Y)
difference = max(float(np.max(np.abs(w - e))) for w, e in zip(WB, EXPECTED_WB))
print(f"step {END}: training loss {loss} (the lab: {EXPECTED_TRAIN_LOSS})")
print(f"largest difference from the lab's weights and biases: {difference}")"""


def render_notebook(plan: Plan) -> str:
    """The notebook as .ipynb JSON text (validated against nbformat's schema)."""
    d = plan.description
    shape = "-".join(str(n) for n in plan.sizes)
    intro = (
        f"# Backprop Lab: run {d.get('session', '')}\n\n"
        f"A {shape} network on {d.get('dataset', '')}, loss {plan.loss}, replayed in NumPy from step "
        f"{plan.start} to step {plan.end} with the {len(plan.changes)} change(s) made on the way. "
        "Run the cells top to bottom: the last one compares the weights with the lab's (they are equal, "
        "bit for bit)."
    )
    cells = [new_markdown_cell(intro)]
    for section in sections(plan):
        cells.append(new_markdown_cell(f"## {section.title}\n\n{section.markdown}"))
        cells.append(new_code_cell(section.code.rstrip("\n")))
    cells.append(new_markdown_cell("## Train and compare"))
    cells.append(new_code_cell(RUN))
    notebook = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
    )
    nbformat.validate(notebook)
    text: str = nbformat.writes(notebook)
    return text
