"""Renderers: a `Document` (contractgen.documents.model) plus a layout in, file bytes out.

Each format lives in its own module (`contractgen.render.docx`, …) so importing one does not load
the libraries of the others.
"""

# parallel: EN and ZH side by side; stacked: each clause in EN, then in ZH; en / zh: one language.
LAYOUTS = ("parallel", "stacked", "en", "zh")


def layout_languages(layout: str) -> tuple[str, ...]:
    """The languages `layout` shows, in the order shown; ValueError for a layout not in LAYOUTS."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; expected one of: {', '.join(LAYOUTS)}")
    return (layout,) if layout in ("en", "zh") else ("en", "zh")
