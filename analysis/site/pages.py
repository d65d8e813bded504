"""The report's own pages: the index (scorecard and notebooks), the figures gallery, documents.

Each function gathers what its page shows and renders the page's template; the wording and
markup are in the templates.
"""

from __future__ import annotations

import math
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
from markupsafe import Markup

from analysis.paths import ROOT
from analysis.site.contents import FigureFiles
from analysis.site.layout import Site
from analysis.site.markdown import render_markdown


def _text(value) -> str:
    """A cell as text: "" for nothing (a CSV's empty cell reads back as NaN)."""
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _fmt_number(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _recomputed(row: pd.Series) -> tuple[str, str]:
    """The recomputed value, and what it was computed from ("9 of 20"; "" if not known)."""
    value = row.get("recomputed_value")
    if pd.isna(value):
        return "–", ""
    percent = str(row.get("measure", "")).endswith("_percent")
    text = f"{value:.1f}%" if percent else _fmt_number(float(value))
    num, den = row.get("numerator"), row.get("denominator")
    if pd.isna(num) or pd.isna(den):
        return text, ""
    sign = "of" if percent else "÷"
    return text, f"{_fmt_number(float(num))} {sign} {_fmt_number(float(den))}"


def _difference(row: pd.Series) -> str:
    value = row.get("difference")
    if pd.isna(value):
        return ""
    if abs(value) < 0.05:
        return "0"
    return f"{value:+.1f}".replace("-", "−")


def _all_reviews(row: pd.Series) -> str:
    """A final-report share over all SCRs, from none to all of the reviews without a report."""
    low, high = row.get("all_reviews_low_percent"), row.get("all_reviews_high_percent")
    if pd.isna(low) or pd.isna(high):
        return ""
    return f"{low:.1f}% to {high:.1f}%"


def _interval(row: pd.Series) -> str:
    """A share's 95% interval ("6.9% to 22.7%"; "" where none, or withheld)."""
    low, high = row.get("ci_low_percent"), row.get("ci_high_percent")
    if pd.isna(low) or pd.isna(high):
        return ""
    return f"{low:.1f}% to {high:.1f}%"


#: Verdicts the status badge says in full (a withheld one, ``c``, is said by its badge too).
_SAID_BY_THE_BADGE = {"", "c", "agrees (exact figure)", "consistent (weak statement)"}


def _detail(row: pd.Series) -> str:
    """The verdict's words where they say more than its badge ("differs by +1.0 points...")."""
    verdict = _text(row.get("verdict", "")).strip()
    return "" if verdict in _SAID_BY_THE_BADGE or verdict == "nan" else verdict


def _source(url) -> dict | None:
    """A source link: its address and the host it is shown as."""
    if pd.isna(url) or not str(url).strip():
        return None
    url = str(url).strip()
    return {"url": url, "host": urlsplit(url).netloc.removeprefix("www.") or url}


def _withheld_in_brackets(text: str) -> str:
    """A text cell disclosure control withheld ("c") as the workbook shows it: "[c]"."""
    return "[c]" if text == "c" else text


def _yes_no(value) -> str:
    return "Yes" if str(value).strip().lower() in {"true", "1", "yes"} else "No"


def scorecard_rows(scorecard: pd.DataFrame) -> tuple[list[dict], list[dict]]:
    """The scorecard's rows as shown: those the data could speak to, and the rest.

    Parameters
    ----------
    scorecard : DataFrame
        ``outputs/scorecard.csv`` as read (``statement`` filled with "").

    Returns
    -------
    (list of dict, list of dict)
        The cells of each row of the two tables, as text.
    """
    computable = scorecard[scorecard["status"] != "not computable"]
    rest = scorecard[scorecard["status"] == "not computable"]

    def shared(r: pd.Series) -> dict:
        keys = ("figure_id", "review_period", "statement", "published_value", "status")
        return {key: _text(r[key]) for key in keys} | {"source": _source(r.get("source_url"))}

    rows = []
    for _, r in computable.iterrows():
        recomputed, basis = _recomputed(r)
        rows.append(
            shared(r)
            | {
                "recomputed": recomputed,
                "basis": basis,
                "interval": _interval(r),
                "difference": _difference(r),
                "accepts": _withheld_in_brackets(_text(r.get("accepts", ""))),
                "all_reviews": _all_reviews(r),
                "calibration_target": _yes_no(r.get("calibration_target")),
                "detail": _detail(r),
            }
        )
    rest_rows = [
        shared(r)
        | {"reason_kind": _text(r.get("reason_kind", "")), "reason": _text(r.get("reason", ""))}
        for _, r in rest.astype(object).fillna("").iterrows()
    ]
    return rows, rest_rows


def index_page(
    site: Site, scorecard: pd.DataFrame, figures: list[FigureFiles], tables: list[str]
) -> str:
    """``index.html``: the kit, the run's data, the scorecard, the notebooks, the tables."""
    from analysis.chapters.scorecard import summary

    names = {fig.name for fig in figures}
    computable, not_computable = scorecard_rows(scorecard)
    return site.page(
        "home.html.j2",
        "index.html",
        "Reproduction report",
        summary=summary(scorecard).splitlines(),
        computable=computable,
        not_computable=not_computable,
        # own-data runs drop the column: calibration is a property of the synthetic data only
        calibrated="calibration_target" in scorecard.columns,
        figure_counts={nb.page: sum(name in names for name in nb.figures) for nb in site.notebooks},
        n_figures_total=len(figures),
        tables=tables,
    )


def figures_page(site: Site, figures: list[FigureFiles]) -> str:
    """``figures.html``: every figure with its alt text and files, by chapter."""
    notebooks = {nb.chapter: nb for nb in site.notebooks}
    groups: dict[str, list[FigureFiles]] = {}
    for fig in figures:
        groups.setdefault(fig.chapter, []).append(fig)
    return site.page(
        "gallery.html.j2",
        "figures.html",
        "Figures",
        figures=figures,
        groups=[
            {"chapter": chapter, "notebook": notebooks.get(chapter), "figures": figs}
            for chapter, figs in groups.items()
        ],
    )


def document_page(site: Site, source: Path, page: str, title: str) -> str:
    """A page made from one of the kit's Markdown documents (a note if it is missing)."""
    found = source.is_file()
    return site.page(
        "document.html.j2",
        page,
        title,
        source=source,
        content=Markup(render_markdown(source.read_text(encoding="utf-8"))) if found else None,
        kit_path=source.relative_to(ROOT).as_posix()
        if found and source.is_relative_to(ROOT)
        else "",
    )
