"""Notebook 08's views of the scorecard and its figure of the published subgroup figures.

Hand-made scorecards (as ``run.table`` returns them: on own data a withheld verdict reads
``c``) with known answers: which rows the figure draws and as what share, the computed
sentence and title in the words their data call for, and the alt text.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from matplotlib.figure import Figure

from analysis.chapters.scorecard_views import (
    SUBGROUP_COLUMNS,
    computable,
    subgroup_figures,
    subgroup_summary,
)
from analysis.charts.chapter_scorecard import (
    subgroup_figures_alt_text,
    subgroup_figures_chart,
    subgroup_figures_subtitle,
    subgroup_figures_title,
)


def _row(figure_id, status, numerator, denominator, value, low, high, **extra) -> dict:
    return {
        "figure_id": figure_id,
        "review_period": "2011-14",
        "computed_over": "SUDI deaths with a final report",
        "published_value": "",
        "recomputed_value": value,
        "numerator": numerator,
        "denominator": denominator,
        "ci_low_percent": low,
        "ci_high_percent": high,
        "status": status,
        "verdict": status,
        "accepts": "",
        "reason_kind": "",
        **extra,
    }


@pytest.fixture
def card() -> pd.DataFrame:
    """Five scorecard rows: two SUDI counts of a base (one agrees, one withheld), a SUDI count
    not computable from the file, poverty (a share), and the median age (not a share: left
    out of the figure), then a whole-population row (left out)."""
    rows = [
        _row("sudi2011_hazardous_sleep", "agrees", 18, 27, 18.0, 47.8, 81.4),
        _row("sudi2011_co_sleeping", "c", None, None, None, None, None),
        _row(
            "sudi2011_intoxicated_parent",
            "not computable",
            None,
            None,
            None,
            None,
            None,
            reason_kind="column missing",
        ),
        _row(
            "p2014_poverty",
            "differs",
            80,
            278,
            100 * 80 / 278,
            23.8,
            34.3,
            review_period="2014-17",
            computed_over="reviews with a final report",
        ),
        _row("sudi2011_median_age", "agrees", None, 30, 2.0, None, None),
        _row("p2011_cp_plan_current", "differs", 29, 293, 9.9, 7.0, 13.9, computed_over=""),
    ]
    return pd.DataFrame(rows)


def test_the_figure_draws_each_subgroup_share_beside_the_published_one(card):
    table = subgroup_figures(card)
    assert list(table.columns) == SUBGROUP_COLUMNS
    assert table["figure_id"].tolist() == [
        "sudi2011_hazardous_sleep",
        "sudi2011_co_sleeping",
        "sudi2011_intoxicated_parent",
        "p2014_poverty",
    ]  # not the median (not a share), nor a whole-population figure
    hazardous, co_sleeping, impaired, poverty = table.itertuples()
    assert hazardous.published_percent == pytest.approx(100 * 18 / 27)
    assert hazardous.percent == pytest.approx(100 * 18 / 27)  # 18 of the 27: a share of them
    assert (hazardous.marker, hazardous.label) == ("", "Hazardous sleep environment")
    assert co_sleeping.published_percent == pytest.approx(100 * 16 / 18)
    assert math.isnan(co_sleeping.percent) and co_sleeping.marker == "c"  # withheld
    assert math.isnan(impaired.percent) and impaired.marker == "x"  # not in the file
    assert (poverty.published_percent, poverty.percent) == (35.0, pytest.approx(100 * 80 / 278))
    assert poverty.source.endswith("via Interface Enterprises news")
    assert "count" not in " ".join(table.columns)  # shares only: no count to protect again


def test_the_subgroup_sentence_counts_verdicts_and_reasons(card):
    assert subgroup_summary(card) == (
        "5 published figures are about a subgroup; 4 were computed over their subgroup: "
        "2 agree with an exact figure, 0 are consistent with a weak statement, 1 differs; "
        "1 verdict withheld by disclosure control. Not computed: 1 lacking a column in the file."
    )
    every = card.assign(status="agrees")
    assert (
        subgroup_summary(every).startswith(
            "6 published figures are about a subgroup; 6 were computed"
        )
        is False
    )  # the whole-population row is not about a subgroup
    assert "5 were computed over their subgroup: 5 agree" in subgroup_summary(every)


def test_the_title_says_the_verdicts_the_table_holds(card):
    table = subgroup_figures(card)
    assert subgroup_figures_title(table) == (
        "Of 4 published figures about a subgroup, 1 agrees exactly, 1 differs, 1 withheld, "
        "1 not computable"
    )
    agreeing = table.assign(status="agrees", marker="")
    assert subgroup_figures_title(agreeing) == (
        "All 4 published figures about a subgroup agree exactly with the case data"
    )
    within = table.assign(status="consistent (interval)", marker="")
    assert subgroup_figures_title(within) == (
        "Of 4 published figures about a subgroup, 4 are consistent within their 95% intervals"
    )
    none = table.assign(status="not computable", marker="x")
    assert subgroup_figures_title(none).startswith("None of 4 published figures")


def test_the_alt_text_says_which_published_shares_the_intervals_leave_out(card):
    table = subgroup_figures(card)
    text = subgroup_figures_alt_text(table)
    assert "Published shares run from 35% (Poverty, of reviews with a final report) to 89%" in text
    assert "The recomputed interval leaves out the published share for Poverty" in text
    assert "1 value is [c] suppressed; 1 value is [x] not available." in text
    inside = table.assign(ci_low_percent=0.0, ci_high_percent=100.0)
    assert "Every recomputed interval holds the published share." in (
        subgroup_figures_alt_text(inside)
    )
    assert "SUDI items are of SUDI deaths" in subgroup_figures_subtitle(table)
    assert "SUDI" not in subgroup_figures_subtitle(table.iloc[3:])
    assert "calibration" not in subgroup_figures_subtitle(table)  # own data: no such flag
    synthetic = subgroup_figures(card.assign(calibration_target=[True, True, False] + [False] * 3))
    assert subgroup_figures_subtitle(synthetic).endswith(
        ". 2 of the 4 were calibration targets of the synthetic data: they agree by construction"
    )
    every = subgroup_figures(card.assign(calibration_target=True))
    assert ". All were calibration targets" in subgroup_figures_subtitle(every)


def test_the_chart_carries_its_data_alt_text_and_source(card):
    table = subgroup_figures(card)
    chart = subgroup_figures_chart(table)
    assert isinstance(chart.fig, Figure)
    assert chart.data is table and chart.alt_text == subgroup_figures_alt_text(table)
    assert chart.source_note == (
        "Source: coded case data; Garstang and Sidebotham, Arch Dis Child 104(1); "
        "Brandon, Sidebotham et al. (2020), via Interface Enterprises news."
    )
    ticks = [t.get_text() for t in chart.fig.axes[0].get_yticklabels()]
    assert ticks[0] == "2011-14" and "2014-17" in ticks  # a heading for each period
    gaps = [t.get_text() for t in chart.fig.axes[0].texts]
    assert gaps == ["recomputed: [c] suppressed", "recomputed: [x] not available"]


def test_the_computable_view_keeps_the_calibration_flag_only_where_the_card_has_it(card):
    shown = computable(card.assign(calibration_target=False))
    assert "calibration_target" in shown and "not computable" not in set(shown["status"])
    assert "calibration_target" not in computable(card)
