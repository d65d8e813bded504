"""Markdown documents of the kit as HTML: tables included, headings with ids, tables scrollable.

The kit's documents link to each other by file name (``assumptions.md``); in the report those
links go to the pages the documents became.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import urlsplit

import mistune
from markupsafe import Markup
from mistune.plugins.table import render_table, render_table_cell
from mistune.toc import add_toc_hook

from analysis.site.layout import macro

#: Documents of the kit and the pages they become (a link to one goes to its page).
DOCUMENT_PAGES = {
    "README.md": "data_register.html",
    "assumptions.md": "assumptions.html",
    "codebook.md": "codebook.html",
}
#: A table cell of more prose than this (in characters) gets room to breathe.
LONG_CELL = 100


def _strip_tags(rendered: str) -> str:
    return re.sub(r"<[^>]+>", "", rendered)


class _Renderer(mistune.HTMLRenderer):
    """Mistune's HTML, with each table in a region named after the heading above it."""

    def __init__(self):
        super().__init__(escape=False)
        self.heading_text = "Table"

    def heading(self, text, level, **attrs):
        self.heading_text = html.unescape(_strip_tags(text)).strip() or "Table"
        return super().heading(text, level, **attrs)

    def table(self, text):
        body = Markup(render_table(self, text))
        return str(macro("markdown.html.j2", "scroll_region")(self.heading_text, body))

    def table_cell(self, text, align=None, head=False):
        if head or align or len(_strip_tags(text)) <= LONG_CELL:
            return render_table_cell(self, text, align=align, head=head)
        return str(macro("markdown.html.j2", "long_cell")(Markup(text)))

    def link(self, text, url, title=None):
        parts = urlsplit(url)
        page = None if parts.scheme else DOCUMENT_PAGES.get(Path(parts.path).name)
        if page:
            url = page + (f"#{parts.fragment}" if parts.fragment else "")
        return super().link(text, url, title)


def _heading_id(token, index) -> str:
    """Stable, readable anchors: the heading's words."""
    slug = re.sub(r"[^a-z0-9]+", "-", token["text"].lower()).strip("-")
    return slug or f"section-{index}"


def render_markdown(text: str) -> str:
    """Markdown to HTML (tables included), with ids on headings and scrollable tables.

    Parameters
    ----------
    text : str
        A Markdown document of the kit.

    Returns
    -------
    str
        Its HTML (a fragment, to put in a page).
    """
    md = mistune.create_markdown(
        renderer=_Renderer(), plugins=["table", "strikethrough", "footnotes", "url"]
    )
    add_toc_hook(md, min_level=1, max_level=4, heading_id=_heading_id)
    return md(text)
