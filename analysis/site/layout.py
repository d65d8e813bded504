"""The report's templates and stylesheet, and what every page shares (header, banner, footer).

Templates are in ``templates/*.html.j2`` and the stylesheet in ``static/report.css``, beside this
module. Values are escaped by Jinja's autoescaping; only HTML made by the report itself (a
rendered page part, Markdown, the stylesheet) is passed on as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from analysis.casedata.labels import SYNTHETIC_LABEL
from analysis.site.contents import NotebookPage

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
SITE_NAME = "SCR reproduction kit"


@cache
def environment() -> jinja2.Environment:
    """The Jinja environment of the report's templates (autoescaping, strict about names)."""
    from analysis import __version__

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(site_name=SITE_NAME, version=__version__)
    return env


def render(template: str, **context) -> Markup:
    """Render one of the report's templates; the result is markup (not escaped again)."""
    return Markup(environment().get_template(template).render(**context))


def macro(template: str, name: str):
    """A macro of one of the report's templates, to call from Python."""
    return getattr(environment().get_template(template).module, name)


@cache
def stylesheet() -> str:
    """The report's CSS, inlined into every page so that a page opens on its own from disk."""
    return (STATIC_DIR / "report.css").read_text(encoding="utf-8")


@dataclass
class Site:
    """What every page shares: the data label, the nav bar, the notebooks."""

    labels: list[str]
    notebooks: list[NotebookPage]

    @property
    def synthetic(self) -> bool:
        return SYNTHETIC_LABEL in self.labels

    @property
    def label(self) -> str:
        return "; ".join(self.labels) or "unknown (the scorecard has no dataset column)"

    def header(self, current: str) -> Markup:
        """The skip link, the header with the nav bar (``current`` page marked), the banner."""
        return render("header.html.j2", site=self, current=current)

    def footer(self) -> Markup:
        return render("footer.html.j2", site=self)

    def page(self, template: str, current: str, title: str, **context) -> str:
        """A whole page: ``template`` (extending ``page.html.j2``) with the shared parts."""
        return render(
            template, site=self, current=current, title=title, css=stylesheet(), **context
        )
