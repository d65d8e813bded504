"""The scorecard's reading of a count stated out of a base: the SUDI paper's "18/27".

A count out of a stated denominator is an exact figure twice over: on a file that holds the
whole period, coded as the source coded it, both the count and its base come back. It agrees
when both do; it differs by the count when the base agrees, and says both when the base does
not (a base that differs is a different subgroup: the nested SUDI bases make one difference
show on every figure below it). A file that holds only part of the period cannot give the
counts back; its share of the base is set beside the published share through its 95% interval,
as every share is (:func:`analysis.chapters.part_of_country.judge_part`).
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.chapters.part_of_country import judge_part, share_interval
from analysis.reference.published import stated
from analysis.stats.compare import Statement
from analysis.stats.measures import Result


def stated_base(fig: pd.Series) -> float | None:
    """The published base of a count stated out of one, or None (a share, a count alone).

    >>> stated_base(pd.Series({"unit": "count", "denominator": 27.0, "relation": "equals"}))
    27.0
    >>> stated_base(pd.Series({"unit": "percent", "denominator": 175.0, "relation": "between"}))
    """
    denominator = fig.get("denominator")
    if fig["unit"] != "count" or denominator is None or pd.isna(denominator):
        return None
    return float(denominator)


def published_value(fig: pd.Series) -> str:
    """The figure as stated, with its base where a count is stated out of one ("18 of 27")."""
    base = stated_base(fig)
    return stated(fig) if base is None else count_of_words(fig["value"], base)


def is_count_of(result: Result, fig: pd.Series) -> bool:
    """Whether a recomputed count is judged as a count out of a base (both have one)."""
    return stated_base(fig) is not None and result.denominator is not None


def count_of_words(value: float, base: float) -> str:
    """ "18 of 27"."""
    return f"{value:g} of {base:g}"


def as_share(result: Result) -> Result:
    """A count out of its base as the share of it (for an interval)."""
    share = 100 * result.numerator / result.denominator if result.denominator else math.nan
    return Result(
        result.measure, share, result.numerator, result.denominator, "percent", result.members
    )


def count_of_interval(result: Result) -> dict:
    """The 95% Wilson interval of the count's share of its base, in percent."""
    return share_interval(as_share(result))


def judge_count_of(result: Result, statement: Statement, base: float) -> dict:
    """The verdict on a count out of a base, for a file holding the whole period.

    Examples
    --------
    >>> r = Result("feature_count", 18.0, 18, 27, "count")
    >>> judge_count_of(r, Statement("equals", 18), 27)["verdict"]
    'agrees (exact figure)'
    >>> r = Result("feature_count", 17.0, 17, 27, "count")
    >>> judge_count_of(r, Statement("equals", 18), 27)["verdict"]
    'differs by -1 from 18 of 27'
    >>> r = Result("feature_count", 18.0, 18, 29, "count")
    >>> judge_count_of(r, Statement("equals", 18), 27)["verdict"]
    'differs: 18 of 29, published 18 of 27'
    """
    published = count_of_words(statement.value, base)
    same_base = result.denominator == base
    if statement.accepts(result.value) and same_base:
        status, words = "agrees", "agrees (exact figure)"
    elif same_base:
        status = "differs"
        words = f"differs by {result.value - statement.value:+g} from {published}"
    else:
        status = "differs"
        words = (
            f"differs: {count_of_words(result.value, result.denominator)}, published {published}"
        )
    return {
        "status": status,
        "verdict": words,
        "difference": result.value - statement.value,
        "accepts": f"exactly {published}",
    }


def judge_count_of_part(
    result: Result, statement: Statement, base: float, interval: dict, held: int, published: int
) -> dict:
    """The verdict on a count out of a base for a file holding part of the period: its share
    of the base, judged by its 95% interval against the published share.

    >>> r = Result("feature_count", 4.0, 4, 6, "count")
    >>> v = judge_count_of_part(r, Statement("equals", 18), 27, count_of_interval(r), 70, 293)
    >>> v["status"], v["verdict"]
    ('consistent (interval)', 'consistent with 18 of 27 (66.7%): 95% interval 30.0% to 90.3% (part of the country: 70 of 293 reviews)')
    """  # noqa: E501
    share = Statement("equals", 100 * statement.value / base)
    stated = f"{count_of_words(statement.value, base)} ({share.value:.1f}%)"
    return judge_part(as_share(result), share, stated, interval, held, published)
