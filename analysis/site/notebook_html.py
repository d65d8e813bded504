"""A page per executed notebook: nbconvert's rendering, inside the report's header and footer.

The kernel showed each figure ``Run.figure`` saved as its PNG, with metadata saying which figure
it is (``scr_figure``); on the page that output becomes the saved figure with its alt text and
links to its files. On own data, a cell's withheld printed output becomes the protected table
the cell wrote (:mod:`analysis.site.tables`). No script is loaded, from anywhere.
"""

from __future__ import annotations

from pathlib import Path

from analysis.site.contents import FigureFiles, NotebookPage, recorded_figure
from analysis.site.layout import SITE_NAME, TEMPLATES_DIR, Site, render, stylesheet
from analysis.site.tables import show_tables

#: The name nbconvert knows the report's notebook template by.
TEMPLATE_NAME = "scr_notebook.html.j2"


def make_exporter():
    """nbconvert's HTML exporter with the report's notebook template, and no scripts."""
    import jinja2
    from nbconvert import HTMLExporter

    # A loader of this one template, so that nbconvert's own templates (its index.html.j2,
    # which this one extends) are not shadowed by the report's
    template = (TEMPLATES_DIR / "notebook.html.j2").read_text(encoding="utf-8")
    return HTMLExporter(
        template_name="lab",
        theme="light",
        extra_loaders=[jinja2.DictLoader({TEMPLATE_NAME: template})],
        template_file=TEMPLATE_NAME,
        extra_template_basedirs=[],
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        embed_images=True,
        mathjax_url="",
        require_js_url="",
        jquery_url="",
        jupyter_widgets_base_url="",
        mermaid_js_url="",
        mermaid_layout_elk_js_url="",
    )


def show_figures(nb, figures: dict[str, FigureFiles]):
    """Show each figure a cell made as the saved figure, with its alt text and file links.

    Parameters
    ----------
    nb : NotebookNode
        An executed notebook (changed in place).
    figures : dict
        The run's saved figures, by name.

    Returns
    -------
    NotebookNode
        ``nb``, each output recorded as showing a saved figure replaced by that figure.
    """
    from nbformat.v4 import new_output

    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for output in cell.get("outputs", []):
            record = recorded_figure(output)
            fig = figures.get(record["name"]) if record else None
            if fig is not None:
                html = render("figure.html.j2", fig=fig, in_gallery=False)
                output = new_output(
                    "display_data", data={"text/html": str(html), "text/plain": fig.name}
                )
            outputs.append(output)
        cell.outputs = outputs
    return nb


def notebook_page(
    site: Site,
    page: NotebookPage,
    figures: dict[str, FigureFiles],
    exporter,
    tables: dict[str, Path] | None = None,
) -> str:
    """The HTML page of one executed notebook.

    Parameters
    ----------
    site : Site
        What every page shares.
    page : NotebookPage
        The notebook.
    figures : dict
        The run's saved figures, by name.
    exporter : HTMLExporter
        From :func:`make_exporter` (made once per report).
    tables : dict, optional
        The checked tables the report may use, by name (its copies of them): shown where a
        notebook on own data withheld the printed output of the cell that wrote them
        (:func:`analysis.site.tables.show_tables`).
    """
    import nbformat

    nb = show_figures(nbformat.read(page.path, as_version=4), figures)
    nb = show_tables(nb, tables or {})
    resources = {
        "metadata": {"name": f"{page.title} – {SITE_NAME}"},
        "scr_css": stylesheet(),
        "scr_header": site.header(page.page),
        "scr_intro": render("notebook_intro.html.j2", site=site, page=page),
        "scr_footer": site.footer(),
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body if body.endswith("\n") else body + "\n"
