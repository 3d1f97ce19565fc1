"""Renderers: a `Document` (contractgen.documents.model) plus a layout in, file bytes out.

Each format lives in its own module (`contractgen.render.docx`, …) so importing one does not load
the libraries of the others.
"""

# parallel: EN and ZH side by side; stacked: each clause in EN, then in ZH; en / zh: one language.
LAYOUTS = ("parallel", "stacked", "en", "zh")
