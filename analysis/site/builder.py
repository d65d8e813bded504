"""A static HTML report of a run: scorecard, notebooks, figures, data register and assumptions.

``python -m analysis report`` (``make report``) turns what ``make reproduce`` wrote into a
self-contained folder of plain HTML pages that opens from disk in any browser, with no network:

- ``index.html``: what the kit is, which data made the run (a banner when it is synthetic), the
  scorecard summary and table, and links to every other page;
- one page per executed notebook in ``<run>/outputs/notebooks/`` (rendered by nbconvert, with
  the figures each cell saved shown in place, and no scripts loaded from anywhere);
- ``figures.html``: every figure with its alt text, and links to its PNG, SVG, plotted data and
  alt text (the files are copied into the report);
- ``data_register.html``, ``assumptions.html`` and ``codebook.html`` from the Markdown in
  ``data/README.md`` and ``docs/``.

The report is written to ``<run>/report/`` (``report/`` at the repository root for the shipped
data, git-ignored) unless told otherwise. The same outputs give byte-identical pages.
"""

from __future__ import annotations

import argparse
import html
import json
import math
import os
import re
import shutil
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from analysis.casedata.load import SYNTHETIC_LABEL
from analysis.paths import DATA_DIR, DOCS_DIR, ROOT
from analysis.publish.run import OUTPUT_ENV_VAR

#: A file in every report folder, so that rebuilding may replace the folder (and nothing else).
MARKER = ".scr-report"
REPORT_DIRNAME = "report"
SITE_NAME = "SCR reproduction kit"

#: Markdown documents rendered as pages: (source, page, title).
DOCUMENTS = [
    (DATA_DIR / "README.md", "data_register.html", "Data register"),
    (DOCS_DIR / "assumptions.md", "assumptions.html", "Assumptions and caveats log"),
    (DOCS_DIR / "codebook.md", "codebook.html", "Codebook"),
]

#: How each scorecard status is shown: a symbol and words, never colour alone.
STATUS_DISPLAY = {
    "reproduced": ("✓", "Reproduced", "status-ok"),
    "not reproduced": ("✗", "Not reproduced", "status-bad"),
    "not computable": ("–", "Not computable", "status-na"),
}

_FIGURE_CALL = re.compile(r"""\.figure\(\s*[A-Za-z_][\w.]*\s*,\s*["']([^"']+)["']""")
_FIGURE_REPR = re.compile(r"^<Figure size [^>]*>$")


class ReportError(Exception):
    """The report cannot be built (e.g. there are no outputs yet); the message says why."""


# --------------------------------------------------------------------------------------------
# what a run holds


@dataclass
class FigureFiles:
    """One saved figure: its PNG and whichever of SVG, CSV and alt text sit beside it."""

    name: str
    png: Path
    svg: Path | None
    csv: Path | None
    alt_file: Path | None
    alt: str
    title: str
    size: tuple[int, int] | None

    @property
    def chapter(self) -> str:
        return self.name[:2] if self.name[:2].isdigit() else ""


@dataclass
class NotebookPage:
    """One executed notebook and the page it becomes."""

    path: Path
    title: str
    short: str
    errors: int
    figures: list[str] = field(default_factory=list)

    @property
    def page(self) -> str:
        return f"{self.path.stem}.html"

    @property
    def chapter(self) -> str:
        return self.path.name[:2] if self.path.name[:2].isdigit() else ""


def default_run_root() -> Path:
    """The run a report is made of by default: ``$SCR_OUTPUT_DIR`` if set, else the repository."""
    override = os.environ.get(OUTPUT_ENV_VAR, "").strip()
    return Path(override).expanduser().resolve() if override else ROOT


def _png_size(path: Path) -> tuple[int, int] | None:
    """Width and height in pixels from a PNG's header, or None if it is not a PNG."""
    with path.open("rb") as fh:
        head = fh.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def _svg_title(path: Path | None) -> str:
    if path is None:
        return ""
    match = re.search(r"<title>(.*?)</title>", path.read_text(encoding="utf-8"), re.S)
    return html.unescape(match.group(1)).strip() if match else ""


def _alt_text(name: str, alt_file: Path | None) -> str:
    text = alt_file.read_text(encoding="utf-8").strip() if alt_file else ""
    return re.sub(r"\s+", " ", text) or f"Figure {name} (no description was saved with it)"


def find_figures(figures_dir: Path) -> list[FigureFiles]:
    """Every figure a run saved (one per PNG), in name order."""
    found = []
    for png in sorted(figures_dir.glob("*.png")) if figures_dir.is_dir() else []:
        name = png.stem

        def beside(suffix: str, name=name) -> Path | None:
            path = figures_dir / f"{name}{suffix}"
            return path if path.is_file() else None

        svg, alt_file = beside(".svg"), beside(".alt.txt")
        found.append(
            FigureFiles(
                name=name,
                png=png,
                svg=svg,
                csv=beside(".csv"),
                alt_file=alt_file,
                alt=_alt_text(name, alt_file),
                title=_svg_title(svg) or name.replace("_", " "),
                size=_png_size(png),
            )
        )
    return found


def _notebook_title(nb, path: Path) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return re.sub(r"[*_`]", "", line[2:]).strip()
    return path.stem.replace("_", " ")


def _short_name(path: Path) -> str:
    """ "03_social_care_involvement" -> "3 Social care involvement" (for the nav bar)."""
    number, _, rest = path.stem.partition("_")
    words = rest.replace("_", " ").strip() or path.stem
    words = words[:1].upper() + words[1:]
    return f"{int(number)} {words}" if number.isdigit() else words


def find_notebooks(notebooks_dir: Path) -> list[NotebookPage]:
    """The executed notebooks of a run, in chapter order."""
    import nbformat

    pages = []
    for path in sorted(notebooks_dir.glob("*.ipynb")) if notebooks_dir.is_dir() else []:
        nb = nbformat.read(path, as_version=4)
        errors = sum(
            output.get("output_type") == "error"
            for cell in nb.cells
            if cell.cell_type == "code"
            for output in cell.get("outputs", [])
        )
        figures = [
            name
            for cell in nb.cells
            if cell.cell_type == "code"
            for name in _FIGURE_CALL.findall(cell.source)
        ]
        pages.append(
            NotebookPage(path, _notebook_title(nb, path), _short_name(path), errors, figures)
        )
    return pages


def data_labels(scorecard: pd.DataFrame) -> list[str]:
    """What data made the run, from the scorecard's ``dataset`` column."""
    if "dataset" not in scorecard.columns:
        return []
    return [str(v) for v in pd.unique(scorecard["dataset"].dropna())]


# --------------------------------------------------------------------------------------------
# HTML pieces

CSS = """
:root { --ink: #1b1b1b; --muted: #505a5f; --line: #b1b4b6; --link: #1d4f91;
  --link-visited: #4c2c92; --focus: #ffdd00; --panel: #f3f2f1; }
html { font-size: 100%; }
body.scr-page { margin: 0; color: var(--ink); background: #fff; line-height: 1.5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  "Noto Sans", "Liberation Sans", sans-serif; }
.scr-page main, .scr-header-inner, .scr-footer { max-width: 80rem; margin: 0 auto;
  padding: 0 1.25rem; }
.scr-page main { padding-bottom: 2rem; }
.scr-skip { position: absolute; left: -999rem; top: 0; }
.scr-skip:focus { left: 1rem; top: 0.5rem; z-index: 10; background: var(--focus); color: #0b0c0c;
  padding: 0.5rem 0.75rem; outline: 3px solid #0b0c0c; }
.scr-header { background: #0b0c0c; color: #fff; border-bottom: 6px solid #1d70b8;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; line-height: 1.4; }
.scr-header-inner { padding-top: 0.6rem; padding-bottom: 0.6rem; }
.scr-site { margin: 0 0 0.35rem; font-weight: 700; font-size: 1.15rem; }
.scr-header .scr-site a, .scr-header .scr-site a:visited { color: #fff; text-decoration: none; }
.scr-nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap;
  gap: 0.15rem 1.1rem; }
.scr-nav li { margin: 0; }
.scr-header .scr-nav a, .scr-header .scr-nav a:visited { color: #fff;
  text-decoration: underline; text-underline-offset: 0.2em; font-size: 1rem; }
.scr-header .scr-nav a:hover { text-decoration-thickness: 3px; }
.scr-header .scr-nav a[aria-current="page"] { font-weight: 700; text-decoration: none;
  border-bottom: 3px solid #fff; }
.scr-nav .scr-chapters { margin-top: 0.3rem; display: flex; gap: 0 0.6rem; }
.scr-header .scr-nav .scr-chapters a { font-size: 0.95rem; }
.scr-nav-label { color: #e6e6e6; font-size: 0.95rem; white-space: nowrap; }
a:focus, summary:focus, .scr-scroll:focus { outline: 3px solid var(--focus);
  outline-offset: 0; box-shadow: 0 0 0 5px #0b0c0c; }
.scr-header a:focus { color: #0b0c0c; background: var(--focus); box-shadow: none; }
.scr-banner { border: 4px solid #0b0c0c; background: #fff7bf; color: #0b0c0c;
  padding: 0.6rem 1rem; margin: 1rem auto 0; width: calc(100% - 2.5rem); max-width: 77.5rem;
  box-sizing: border-box; font-size: 1.1rem;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; line-height: 1.4; }
.scr-banner strong { font-size: 1.25rem; }
.scr-page .scr-banner p, .scr-banner p { margin: 0.2rem 0; max-width: none; }
.scr-banner-own { background: #e8f1fa; }
.scr-page h1 { font-size: 2rem; line-height: 1.2; margin: 1.25rem 0 0.75rem; }
.scr-page h2 { font-size: 1.5rem; margin: 2rem 0 0.6rem; }
.scr-page h3 { font-size: 1.2rem; margin: 1.5rem 0 0.5rem; }
.scr-page p, .scr-page li { max-width: 48rem; }
.scr-page a { color: var(--link); text-underline-offset: 0.15em; }
.scr-page a:visited { color: var(--link-visited); }
.scr-page code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
  font-size: 0.92em; background: var(--panel); padding: 0.05em 0.25em; }
.scr-lead { font-size: 1.15rem; }
.scr-summary { border-left: 6px solid #1d70b8; background: var(--panel); padding: 0.6rem 1rem;
  max-width: 48rem; }
.scr-summary p { margin: 0.25rem 0; }
.scr-summary .scr-summary-main { font-size: 1.2rem; font-weight: 700; }
.scr-scroll { overflow-x: auto; max-width: 100%; margin: 0.5rem 0 1rem; }
.scr-page table { border-collapse: collapse; font-size: 0.95rem; }
.scr-page caption { text-align: left; font-weight: 700; padding: 0.3rem 0; }
.scr-page th, .scr-page td { border: 1px solid var(--line); padding: 0.35rem 0.5rem;
  text-align: left; vertical-align: top; }
.scr-page thead th { background: #e9eaeb; position: sticky; top: 0; }
.scr-page tbody tr:nth-child(even) { background: #fafafa; }
.scr-page td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.scr-page .nowrap { white-space: nowrap; }
.scr-page td.wide { min-width: 12rem; }
.scr-page tbody th[scope="row"] { min-width: 8rem; font-weight: 400; }
.scr-page tbody th[scope="row"] code { font-size: 0.85em; font-weight: 700; }
.scr-page td.num { white-space: normal; }
.scr-basis { display: block; white-space: nowrap; }
.scr-page td.src { min-width: 7rem; overflow-wrap: anywhere; }
.status { display: inline-block; padding: 0.05rem 0.45rem; border: 2px solid; font-weight: 700;
  white-space: nowrap; }
.status-ok { background: #e3f3e6; color: #0b4f1c; border-color: #0b4f1c; }
.status-bad { background: #fbe3e1; color: #8b1a10; border-color: #8b1a10; }
.status-na { background: #f3f2f1; color: #3b3b3b; border-color: #6f777b; font-weight: 400; }
.scr-legend { font-size: 0.95rem; }
details.scr-details { margin: 1rem 0; }
details.scr-details > summary { cursor: pointer; font-weight: 700; color: var(--link);
  text-decoration: underline; }
.scr-cards { list-style: none; padding: 0; display: grid; gap: 0.75rem;
  grid-template-columns: repeat(auto-fill, minmax(20rem, 1fr)); max-width: none; }
.scr-cards li { border: 1px solid var(--line); border-left: 6px solid #1d70b8;
  padding: 0.5rem 0.8rem; max-width: none; }
.scr-cards .scr-card-title { font-weight: 700; font-size: 1.05rem; }
.scr-cards p { margin: 0.2rem 0; }
.scr-muted { color: var(--muted); }
.scr-gallery { display: grid; gap: 1.5rem 2rem; align-items: start;
  grid-template-columns: repeat(auto-fill, minmax(min(100%, 34rem), 1fr)); }
.scr-gallery h3 { margin-top: 0.5rem; }
figure.scr-figure { margin: 0.5rem 0 1.5rem; max-width: 50rem; }
figure.scr-figure img { display: block; width: 100%; max-width: 50rem; height: auto;
  border: 1px solid var(--line); background: #fff; }
figure.scr-figure figcaption { margin-top: 0.4rem; }
.scr-figure-title { font-weight: 700; }
ul.scr-filelinks, .jp-RenderedHTMLCommon ul.scr-filelinks { list-style: none; padding: 0;
  margin: 0.3rem 0; display: flex; flex-wrap: wrap; gap: 0.2rem 1rem; }
ul.scr-filelinks li, .jp-RenderedHTMLCommon ul.scr-filelinks li { margin: 0; padding: 0; }
.scr-figure details { margin-top: 0.3rem; }
.scr-figure details > summary { cursor: pointer; color: var(--link); text-decoration: underline; }
.scr-doc table { max-width: none; }
.scr-doc td, .scr-doc th { min-width: 4rem; }
.scr-doc td.long { min-width: 20rem; }
.scr-footer { color: var(--muted); border-top: 1px solid var(--line); padding-top: 0.6rem;
  padding-bottom: 1.5rem; font-size: 0.95rem;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
.scr-footer p { margin: 0.3rem 0; }
.scr-footer code { white-space: nowrap; }
/* notebook pages: nbconvert's own styles, with the report's header on top */
body.scr-notebook { margin: 0; padding: 0; }
body.scr-notebook > main { max-width: 80rem; margin: 0 auto; padding: 0 1.25rem 2rem; }
.scr-nbinfo { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  font-size: 1rem; border-left: 6px solid #1d70b8; background: #f3f2f1; padding: 0.5rem 1rem;
  margin: 1rem 0; line-height: 1.5; }
.scr-nbinfo p { margin: 0.2rem 0; }
.scr-nbinfo a, .scr-notebook .jp-RenderedHTMLCommon a { color: #1d4f91;
  text-decoration: underline; text-underline-offset: 0.15em; }
.scr-notebook figure.scr-figure { font-family: system-ui, -apple-system, "Segoe UI", Roboto,
  Arial, sans-serif; font-size: 0.95rem; line-height: 1.5; margin: 0.5rem 0 1rem; }
.scr-notebook figure.scr-figure a { color: #1d4f91; text-decoration: underline; }
@media print { .scr-nav, .scr-skip { display: none; } .scr-page thead th { position: static; } }
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


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

    def banner(self) -> str:
        if self.synthetic:
            return (
                '<div class="scr-banner" role="note" aria-label="Data label">'
                "<p><strong>⚠ Synthetic data – not real cases</strong></p>"
                "<p>Every number, table and figure in this report was made from invented cases "
                "(data label: <em>SYNTHETIC DATA</em>). They show how the analysis works, not "
                "what happened to any child.</p></div>"
            )
        return (
            '<div class="scr-banner scr-banner-own" role="note" aria-label="Data label">'
            f"<p><strong>Data: {_e(self.label)}</strong> (own data)</p>"
            "<p>Made from coded case data that may be confidential: check every table and "
            "figure for disclosure before sharing this report.</p></div>"
        )

    def nav(self, current: str) -> str:
        def link(href: str, text: str) -> str:
            here = ' aria-current="page"' if href == current else ""
            return f'<li><a href="{_e(href)}"{here}>{_e(text)}</a></li>'

        main = [
            link("index.html", "Scorecard"),
            link("figures.html", "Figures"),
            link("data_register.html", "Data register"),
            link("assumptions.html", "Assumptions"),
            link("codebook.html", "Codebook"),
        ]
        chapters = "".join(link(nb.page, nb.short) for nb in self.notebooks)
        chapter_list = (
            '<div class="scr-chapters"><span class="scr-nav-label" id="scr-nav-notebooks">'
            f'Notebooks:</span><ul aria-labelledby="scr-nav-notebooks">{chapters}</ul></div>'
            if chapters
            else ""
        )
        return (
            '<nav class="scr-nav" aria-label="Report pages">'
            f"<ul>{''.join(main)}</ul>{chapter_list}</nav>"
        )

    def header(self, current: str) -> str:
        return (
            '<a class="scr-skip" href="#content">Skip to main content</a>'
            '<header class="scr-header"><div class="scr-header-inner">'
            f'<p class="scr-site"><a href="index.html">{_e(SITE_NAME)}: report</a></p>'
            f"{self.nav(current)}</div></header>{self.banner()}"
        )

    def footer(self) -> str:
        from analysis import __version__

        return (
            '<footer class="scr-footer"><p>'
            f"Made by the SCR reproduction kit {_e(__version__)} "
            "(<code>python -m analysis report</code>) from the outputs of "
            f"<code>python -m analysis reproduce</code>. Data: {_e(self.label)}.</p></footer>"
        )

    def page(self, current: str, title: str, body: str, body_class: str = "") -> str:
        return (
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(title)} – {_e(SITE_NAME)}</title>\n"
            f"<style>{CSS}</style>\n</head>\n"
            f'<body class="scr-page {body_class}">\n{self.header(current)}\n'
            f'<main id="content">\n{body}\n</main>\n{self.footer()}\n</body>\n</html>\n'
        )


# --------------------------------------------------------------------------------------------
# pages


def _fmt_number(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _recomputed(row: pd.Series) -> str:
    value = row.get("recomputed_value")
    if pd.isna(value):
        return "–"
    percent = str(row.get("measure", "")).endswith("_percent")
    text = f"{value:.1f}%" if percent else _fmt_number(float(value))
    num, den = row.get("numerator"), row.get("denominator")
    if pd.notna(num) and pd.notna(den):
        basis = (
            f"{_fmt_number(float(num))} of {_fmt_number(float(den))}"
            if percent
            else f"{_fmt_number(float(num))} ÷ {_fmt_number(float(den))}"
        )
        text += f' <span class="scr-muted scr-basis">({_e(basis)})</span>'
    return text


def _difference(row: pd.Series) -> str:
    value = row.get("difference")
    if pd.isna(value):
        return ""
    if abs(value) < 0.05:
        return "0"
    return f"{value:+.1f}".replace("-", "−")


def _status(status: str) -> str:
    symbol, words, css = STATUS_DISPLAY.get(status, ("?", status, "status-na"))
    return f'<span class="status {css}"><span aria-hidden="true">{symbol}</span> {_e(words)}</span>'


def _source_link(url) -> str:
    if pd.isna(url) or not str(url).strip():
        return ""
    url = str(url).strip()
    host = urlsplit(url).netloc.removeprefix("www.") or url
    return f'<a href="{_e(url)}">{_e(host)}</a>'


def _figure_id(value) -> str:
    """A figure id as code that may break after its underscores (so columns stay narrow)."""
    return "<code>" + _e(value).replace("_", "_<wbr>") + "</code>"


def _yes_no(value) -> str:
    return "Yes" if str(value).strip().lower() in {"true", "1", "yes"} else "No"


def _table(caption: str, headers: list[str], rows: list[list[str]], classes: dict[int, str]):
    """An accessible table (caption, header scopes) in a scrollable, focusable region."""
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in headers)
    body = []
    for cells in rows:
        tds = [f'<th scope="row">{cells[0]}</th>']
        for i, cell in enumerate(cells[1:], start=1):
            css = f' class="{classes[i]}"' if i in classes else ""
            tds.append(f"<td{css}>{cell}</td>")
        body.append(f"<tr>{''.join(tds)}</tr>")
    return (
        f'<div class="scr-scroll" role="region" aria-label="{_e(caption)}" tabindex="0">'
        f"<table><caption>{_e(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def scorecard_tables(scorecard: pd.DataFrame) -> str:
    """The scorecard as two tables: figures the data could speak to, and the rest."""
    computable = scorecard[scorecard["status"] != "not computable"]
    rest = scorecard[scorecard["status"] == "not computable"]
    rows = [
        [
            _figure_id(r["figure_id"]),
            _e(r["review_period"]),
            _e(r["statement"]),
            _e(r["published_value"]),
            _recomputed(r),
            _difference(r),
            _status(r["status"]),
            _yes_no(r.get("calibration_target")),
            _source_link(r.get("source_url")),
        ]
        for _, r in computable.iterrows()
    ]
    headers = [
        "Figure",
        "Period",
        "Published statement",
        "Published",
        "Recomputed",
        "Difference",
        "Status",
        "Calibration target",
        "Source",
    ]
    parts = [
        _table(
            f"Published figures the case data can speak to ({len(computable)})",
            headers,
            rows,
            {1: "nowrap", 2: "wide", 4: "num", 5: "num", 8: "src"},
        )
    ]
    if len(rest):
        rest_rows = [
            [
                _figure_id(r["figure_id"]),
                _e(r["review_period"]),
                _e(r["statement"]),
                _e(r["published_value"]),
                _status(r["status"]),
                _e(r.get("reason_kind", "")),
                _e(r.get("reason", "")),
                _source_link(r.get("source_url")),
            ]
            for _, r in rest.astype(object).fillna("").iterrows()
        ]
        table = _table(
            f"Published figures not computable from case data ({len(rest)})",
            ["Figure", "Period", "Published statement", "Published", "Status", "Why", "Detail"]
            + ["Source"],
            rest_rows,
            {1: "nowrap", 2: "wide", 4: "nowrap", 7: "src"},
        )
        parts.append(
            '<details class="scr-details"><summary>Show the '
            f"{len(rest)} published figures not computable from case data</summary>"
            f"{table}</details>"
        )
    return "\n".join(parts)


def index_page(
    site: Site, scorecard: pd.DataFrame, figures: list[FigureFiles], tables: list[str]
) -> str:
    from analysis.chapters.scorecard import summary

    lines = summary(scorecard).splitlines()
    summary_html = "".join(
        f'<p class="{"scr-summary-main" if i == 0 else ""}">{_e(line)}</p>'
        for i, line in enumerate(lines)
    )
    cards = []
    for nb in site.notebooks:
        if nb.errors:
            state = (
                '<span class="status status-bad"><span aria-hidden="true">✗</span> '
                "Stopped with an error</span>"
            )
        else:
            state = '<span class="status status-ok"><span aria-hidden="true">✓</span> Ran</span>'
        n_fig = len([f for f in nb.figures if any(g.name == f for g in figures)])
        cards.append(
            f'<li><p class="scr-card-title"><a href="{_e(nb.page)}">{_e(nb.title)}</a></p>'
            f'<p>{state} <span class="scr-muted">{n_fig} figure{"s" if n_fig != 1 else ""} · '
            f"<code>{_e(nb.path.name)}</code></span></p></li>"
        )
    notebooks_html = (
        f'<ul class="scr-cards">{"".join(cards)}</ul>'
        if cards
        else "<p>No executed notebooks were found in this run's <code>outputs/notebooks/</code>."
        " Run <code>make reproduce</code>.</p>"
    )
    table_links = "".join(f'<li><a href="tables/{_e(name)}">{_e(name)}</a></li>' for name in tables)
    legend = " ".join(_status(s) for s in STATUS_DISPLAY)
    body = f"""
<h1>Serious Case Reviews: reproduction report</h1>
<p class="scr-lead">This report comes from the <strong>SCR reproduction kit</strong>, an open,
tested kit that reruns England's national analysis of Serious Case Reviews, <cite>Pathways to
harm, pathways to protection: a triennial analysis of serious case reviews 2011 to 2014</cite>
(Sidebotham, Brandon et al., Department for Education, 2016), against the earlier analyses and
<cite>Complexity and challenge</cite> (2014-17).</p>
<p>Serious Case Reviews are held when a child dies or is seriously harmed and abuse or neglect is
known or suspected. The real coded case data is confidential, so the kit ships synthetic case
data (invented, calibrated to published figures); the same code runs unchanged on a
researcher's own coded file.</p>
<p><strong>Data used for this run:</strong> <span class="scr-data-label">{_e(site.label)}</span></p>

<h2 id="scorecard">Reproduction scorecard</h2>
<div class="scr-summary">{summary_html}</div>
<p>Every published figure in <a href="data_register.html">the data register</a>'s published
tier, recomputed from the case data where the data can speak to it. A figure that was also a
calibration target of the synthetic data proves the pipeline, not the finding.
Download: <a href="tables/scorecard.csv">scorecard.csv</a>.</p>
<p class="scr-legend">Status: {legend}</p>
{scorecard_tables(scorecard)}

<h2 id="notebooks">Notebooks</h2>
<p>One per chapter of the report, executed on this run's data; each page shows the code, the
tables and the figures.</p>
{notebooks_html}

<h2 id="more">Figures, data and assumptions</h2>
<ul>
<li><a href="figures.html">Figures gallery</a>: {len(figures)} figures, each with its alt text,
PNG, SVG and the data it plots.</li>
<li><a href="data_register.html">Data register</a>: every tier of data, its source, licence and
sensitivity.</li>
<li><a href="assumptions.html">Assumptions and caveats log</a>: every assumption, rated for
quality and impact.</li>
<li><a href="codebook.html">Codebook</a>: the variables of the coded case data.</li>
</ul>
<details class="scr-details"><summary>Tables written by this run ({len(tables)} CSV files)
</summary><ul>{table_links}</ul></details>
"""
    return site.page("index.html", "Reproduction report", body)


def _figure_html(fig: FigureFiles, in_gallery: bool) -> str:
    """A figure: its PNG with the alt text, links to its files, and the description shown.

    In the gallery it sits under a heading with its title; in a notebook page the title is in
    the image already, so only the links follow it (and one back to the gallery).
    """
    size = ""
    if fig.size:  # the PNGs are saved at twice the size they are drawn at
        size = f' width="{fig.size[0] // 2}" height="{fig.size[1] // 2}"'
    links = [f'<li><a href="figures/{_e(fig.png.name)}">PNG</a></li>']
    if fig.svg:
        links.append(f'<li><a href="figures/{_e(fig.svg.name)}">SVG</a></li>')
    if fig.csv:
        links.append(f'<li><a href="figures/{_e(fig.csv.name)}">Plotted data (CSV)</a></li>')
    if fig.alt_file:
        links.append(f'<li><a href="figures/{_e(fig.alt_file.name)}">Alt text (TXT)</a></li>')
    if not in_gallery:
        links.append(f'<li><a href="figures.html#{_e(fig.name)}">In the gallery</a></li>')
    figure = (
        f'<figure class="scr-figure"><img src="figures/{_e(fig.png.name)}" alt="{_e(fig.alt)}"'
        f"{size}><figcaption>"
        f'<ul class="scr-filelinks" aria-label="Files of figure {_e(fig.name)}">'
        f"{''.join(links)}</ul>"
        f"<details><summary>Text description</summary><p>{_e(fig.alt)}</p></details>"
        "</figcaption></figure>"
    )
    if not in_gallery:
        return figure
    return (
        f'<section class="scr-gallery-item" id="{_e(fig.name)}" '
        f'aria-labelledby="{_e(fig.name)}-title">'
        f'<h3 id="{_e(fig.name)}-title">{_e(fig.title)}</h3>'
        f'<p class="scr-muted"><code>{_e(fig.name)}</code></p>{figure}</section>'
    )


def figures_page(site: Site, figures: list[FigureFiles]) -> str:
    chapters = {nb.chapter: nb for nb in site.notebooks}
    groups: dict[str, list[FigureFiles]] = {}
    for fig in figures:
        groups.setdefault(fig.chapter, []).append(fig)
    sections = []
    for chapter, figs in groups.items():
        nb = chapters.get(chapter)
        if nb:
            heading = f'<h2><a href="{_e(nb.page)}">{_e(nb.title)}</a></h2>'
        else:
            heading = f"<h2>{_e(f'Chapter {chapter}' if chapter else 'Other figures')}</h2>"
        items = "".join(_figure_html(f, in_gallery=True) for f in figs)
        sections.append(f'{heading}<div class="scr-gallery">{items}</div>')
    contents = "".join(f'<li><a href="#{_e(f.name)}">{_e(f.title)}</a></li>' for f in figures)
    stamp = (
        " Every figure made from synthetic data carries the stamp "
        "“SYNTHETIC DATA – not real cases”."
        if site.synthetic
        else ""
    )
    body = (
        "<h1>Figures</h1>"
        f"<p>{len(figures)} figures saved by this run, in chapter order. Each is shown as PNG "
        "with its alt text; its SVG, the data it plots (CSV) and its alt text are linked below "
        f"it.{stamp}</p>"
        + (
            f'<details class="scr-details"><summary>List of figures</summary><ol>{contents}</ol>'
            "</details>"
            if figures
            else "<p>No figures were found in this run's <code>figures/</code> folder.</p>"
        )
        + "".join(sections)
    )
    return site.page("figures.html", "Figures", body)


def _mark_long_cell(match: re.Match) -> str:
    """A cell of long prose gets room (a table squeezes its last columns otherwise)."""
    length = len(re.sub(r"<[^>]+>", "", match.group(1)))
    return f'<td class="long">{match.group(1)}</td>' if length > 100 else match.group(0)


def render_markdown(text: str) -> str:
    """Markdown to HTML (tables included), with ids on headings and scrollable tables."""
    import mistune

    md = mistune.create_markdown(
        escape=False, plugins=["table", "strikethrough", "footnotes", "url"]
    )
    try:  # mistune 3; with mistune 2 (also allowed by nbconvert) headings get no ids
        from mistune.toc import add_toc_hook
    except ImportError:  # pragma: no cover
        add_toc_hook = None

    def heading_id(token, index):  # stable, readable anchors
        slug = re.sub(r"[^a-z0-9]+", "-", token["text"].lower()).strip("-")
        return slug or f"section-{index}"

    if add_toc_hook is not None:
        add_toc_hook(md, min_level=1, max_level=4, heading_id=heading_id)
    parts, heading = [], "Table"
    for piece in re.split(r"(<h[1-6][^>]*>.*?</h[1-6]>|<table>|</table>)", md(text), flags=re.S):
        if re.match(r"<h[1-6]", piece):
            heading = html.unescape(re.sub(r"<[^>]+>", "", piece)).strip() or "Table"
        elif piece == "<table>":
            piece = (
                f'<div class="scr-scroll" tabindex="0" role="region" aria-label="{_e(heading)}">'
                "<table>"
            )
        elif piece == "</table>":
            piece = "</table></div>"
        parts.append(piece)
    out = "".join(parts)
    out = re.sub(r"<td>(.*?)</td>", _mark_long_cell, out, flags=re.S)
    links = {
        "README.md": "data_register.html",
        "assumptions.md": "assumptions.html",
        "codebook.md": "codebook.html",
    }

    def relink(match: re.Match) -> str:
        href = html.unescape(match.group(1))
        target = links.get(Path(urlsplit(href).path).name) if not urlsplit(href).scheme else None
        return f'href="{_e(target)}"' if target else match.group(0)

    return re.sub(r'href="([^"]+\.md)"', relink, out)


def document_page(site: Site, source: Path, page: str, title: str) -> str:
    if source.is_file():
        content = render_markdown(source.read_text(encoding="utf-8"))
        note = (
            f'<p class="scr-muted">From <code>{_e(source.relative_to(ROOT).as_posix())}</code> '
            "in the kit.</p>"
            if source.is_relative_to(ROOT)
            else ""
        )
    else:
        content, note = f"<h1>{_e(title)}</h1><p>Not found: <code>{_e(source)}</code>.</p>", ""
    return site.page(page, title, f'<div class="scr-doc">{content}</div>{note}')


# --------------------------------------------------------------------------------------------
# notebook pages

_NB_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}
<style type="text/css">{{ resources.scr_css }}</style>
{%- endblock html_head_css -%}
{%- block body_header -%}
<body class="jp-Notebook scr-notebook" data-jp-theme-light="true"
 data-jp-theme-name="JupyterLab Light">
{{ resources.scr_header }}
<main id="content">
{{ resources.scr_intro }}
{%- endblock body_header -%}
{%- block body_footer -%}
</main>
{{ resources.scr_footer }}
</body>
{%- endblock body_footer -%}
"""


def _exporter():
    import jinja2
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        theme="light",
        extra_loaders=[jinja2.DictLoader({"scr_notebook.html.j2": _NB_TEMPLATE})],
        template_file="scr_notebook.html.j2",
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


def _show_figures(nb, figures: dict[str, FigureFiles]):
    """Show in each cell the figures it saved (the kernel only printed "<Figure size ...>")."""
    from nbformat.v4 import new_output

    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        names = [n for n in _FIGURE_CALL.findall(cell.source) if n in figures]
        if not names:
            continue
        shown = new_output(
            "display_data",
            data={
                "text/html": "".join(_figure_html(figures[n], in_gallery=False) for n in names),
                "text/plain": ", ".join(names),
            },
        )
        outputs, replaced = [], False
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/plain", "")
            # the figure's own display (its repr, and the PNG Run.figure gives it) is replaced
            # by the saved files with their alt text and links
            is_repr = set(output.get("data", {})) <= {"text/plain", "image/png"} and bool(
                _FIGURE_REPR.match(str(text).strip())
            )
            if is_repr and not replaced:
                outputs.append(shown)
                replaced = True
            elif not is_repr:
                outputs.append(output)
        if not replaced:
            outputs.append(shown)
        cell.outputs = outputs
    return nb


def notebook_page(site: Site, page: NotebookPage, figures: dict[str, FigureFiles], exporter) -> str:
    import nbformat

    nb = _show_figures(nbformat.read(page.path, as_version=4), figures)
    state = (
        f"<p><strong>This notebook stopped with an error</strong> ({page.errors} error "
        "output(s)): its later tables and figures may be missing or stale.</p>"
        if page.errors
        else ""
    )
    intro = (
        '<div class="scr-nbinfo">'
        f"<p>Executed notebook <code>{_e(page.path.name)}</code>, run on: {_e(site.label)}. "
        f'<a href="notebooks/{_e(page.path.name)}">Download the executed notebook (.ipynb)</a>'
        ' · <a href="figures.html">All figures</a></p>'
        f"{state}</div>"
    )
    resources = {
        "metadata": {"name": f"{page.title} – {SITE_NAME}"},
        "scr_css": CSS,
        "scr_header": site.header(page.page),
        "scr_intro": intro,
        "scr_footer": site.footer(),
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body if body.endswith("\n") else body + "\n"


# --------------------------------------------------------------------------------------------
# the whole report


def _prepare_out_dir(out_dir: Path) -> Path:
    """A fresh folder beside ``out_dir`` to build in (refusing to replace a non-report folder)."""
    if out_dir.exists():
        if not out_dir.is_dir():
            raise ReportError(f"{out_dir} exists and is not a folder")
        if any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
            raise ReportError(
                f"{out_dir} is not empty and is not a report folder: choose another --out "
                "(the report replaces its folder)"
            )
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = out_dir.parent / f".{out_dir.name}.building-{os.getpid()}"
    if work.exists():  # left by a build that was killed
        shutil.rmtree(work)
    work.mkdir()
    return work


def build_report(run_root: Path | None = None, out_dir: Path | None = None) -> Path:
    """Build the static HTML report of a run; return the path of its ``index.html``.

    Parameters
    ----------
    run_root : path, optional
        The run's folder, holding ``outputs/`` (with ``scorecard.csv`` and ``notebooks/``) and
        ``figures/``. Default: ``$SCR_OUTPUT_DIR`` if set, else the repository (the shipped
        synthetic data's outputs).
    out_dir : path, optional
        Where to write the report. Default: ``<run_root>/report`` (``report/`` at the repository
        root for the shipped data; git-ignored). A previous report there is replaced; any other
        non-empty folder is refused.

    Raises
    ------
    ReportError
        When the run has no ``outputs/scorecard.csv`` (run ``make reproduce`` first), or
        ``out_dir`` is a folder that is not a report.
    """
    run_root = Path(run_root).expanduser().resolve() if run_root else default_run_root()
    out_dir = Path(out_dir).expanduser().resolve() if out_dir else run_root / REPORT_DIRNAME
    outputs_dir, figures_dir = run_root / "outputs", run_root / "figures"
    scorecard_path = outputs_dir / "scorecard.csv"
    if not scorecard_path.is_file():
        raise ReportError(
            f"no scorecard at {scorecard_path}: run `make reproduce` (python -m analysis "
            "reproduce) first, then build the report"
        )
    scorecard = pd.read_csv(scorecard_path)
    missing = [c for c in ("figure_id", "statement", "status") if c not in scorecard.columns]
    if missing:
        raise ReportError(f"{scorecard_path} is not a scorecard (no {', '.join(missing)} column)")
    scorecard["statement"] = scorecard["statement"].fillna("")
    figures = find_figures(figures_dir)
    by_name = {f.name: f for f in figures}
    notebooks = find_notebooks(outputs_dir / "notebooks")
    site = Site(data_labels(scorecard), notebooks)
    tables = sorted(p.name for p in outputs_dir.glob("*.csv"))

    work = _prepare_out_dir(out_dir)
    try:
        (work / MARKER).write_text(
            "Built by `python -m analysis report`; rebuilding replaces this folder.\n",
            encoding="utf-8",
        )
        for sub in ("figures", "tables", "notebooks"):
            (work / sub).mkdir()
        for fig in figures:
            for path in (fig.png, fig.svg, fig.csv, fig.alt_file):
                if path is not None:
                    shutil.copyfile(path, work / "figures" / path.name)
        for name in tables:
            shutil.copyfile(outputs_dir / name, work / "tables" / name)
        exporter = _exporter() if notebooks else None
        pages = {
            "index.html": index_page(site, scorecard, figures, tables),
            "figures.html": figures_page(site, figures),
        }
        for source, page, title in DOCUMENTS:
            pages[page] = document_page(site, source, page, title)
        for nb in notebooks:
            shutil.copyfile(nb.path, work / "notebooks" / nb.path.name)
            pages[nb.page] = notebook_page(site, nb, by_name, exporter)
        for name, text in pages.items():
            (work / name).write_text(text, encoding="utf-8", newline="\n")
        manifest = {"data": site.labels, "pages": sorted(pages), "figures": len(figures)}
        (work / "manifest.json").write_text(
            json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        if out_dir.exists():
            shutil.rmtree(out_dir)
        work.rename(out_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return out_dir / "index.html"


# --------------------------------------------------------------------------------------------
# command line


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The options of ``python -m analysis report`` (for :mod:`analysis.cli`)."""
    parser.add_argument(
        "--data",
        type=Path,
        metavar="FILE",
        help="the case file a run was made from: report on its run (runs/<dataset>/)",
    )
    parser.add_argument(
        "--run",
        type=Path,
        metavar="DIR",
        help="the run folder holding outputs/ and figures/ (default: $SCR_OUTPUT_DIR, else the "
        "repository)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="folder to write the report to (default: <run>/report)",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    """Build the report from parsed arguments; return the exit code (0 built, 1 not)."""
    from analysis.errors import CaseDataError

    run_dir = args.run
    if run_dir is None and args.data is not None:
        from analysis.casedata.load import load_cases
        from analysis.publish.run import run_root

        try:
            run_dir = run_root(load_cases(args.data))
        except CaseDataError as exc:
            print(f"cannot tell which run {args.data} made: {exc}", file=sys.stderr)
            return 1
    try:
        index = build_report(run_dir, args.out)
    except ReportError as exc:
        print(f"report not built: {exc}", file=sys.stderr)
        return 1
    print(f"Report written to {index.parent}\nOpen {index.as_uri()} in a browser.")
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis report [--data FILE | --run DIR] [--out DIR]``; return exit code."""
    parser = add_arguments(
        argparse.ArgumentParser(
            prog="python -m analysis report",
            description="Build a static HTML report of a run (after `python -m analysis "
            "reproduce`): scorecard, notebooks, figures, data register and assumptions.",
        )
    )
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
