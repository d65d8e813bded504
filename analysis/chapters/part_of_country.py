"""The scorecard's reading of a file that holds only part of a period's reviews.

The national analyses counted every serious case review of England in their period (293 in
2011-14, 368 in 2014-17: ``scrs_count`` in ``data/published/``). A researcher's file may hold
fewer: one region's reviews, or a sample. Its counts then cannot give the report's back (70
reviews are not "293 SCRs"), and its shares rest on few reviews, so a rounded share meeting or
missing the published figure says little. For such a period:

- a count (or a count a year) is ``not comparable``, and the verdict says how much of the
  period the file holds ("part of the country: 70 of 293 reviews");
- a share is set beside the published statement through its 95% Wilson interval, the
  interval every table of the kit gives a share (:func:`analysis.stats.tables.with_interval`,
  on effective counts where siblings share a review): ``consistent (interval)`` when the
  interval meets a value the statement accepts (:meth:`analysis.stats.compare.Statement.meets`),
  ``differs`` when it leaves them all out. A part of the country can differ for a real reason
  (its reviews are not a random sample of England's); the verdict says what chance alone
  would not explain, not why.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from analysis.content import read_yaml
from analysis.reference.published import load_published
from analysis.stats.compare import Statement
from analysis.stats.measures import Result, reviews
from analysis.stats.members import PREFIX, members_of
from analysis.stats.tables import with_interval

#: Status of a count a part of the country cannot be compared on.
NOT_COMPARABLE = "not comparable"
#: Status of a share whose 95% interval meets the published statement.
CONSISTENT_INTERVAL = "consistent (interval)"
#: The measure of a period's published number of reviews.
REVIEWS_MEASURE = "scrs_count"
#: The words of verdicts and sentences.
WORDS_FILE = Path(__file__).with_name("part_of_country.yaml")


@cache
def words() -> dict[str, str]:
    """The verdicts' and sentences' words (``part_of_country.yaml``)."""
    return read_yaml(WORDS_FILE)


@cache
def published_reviews() -> dict[str, int]:
    """The number of reviews each national analysis published, by review period.

    >>> published_reviews()["2011-14"], published_reviews()["2014-17"]
    (293, 368)
    """
    figures = load_published()
    whole = figures[
        (figures["measure"] == REVIEWS_MEASURE)
        & (figures["relation"] == "equals")
        & figures["category"].fillna("").astype(str).str.strip().eq("")
    ]
    return {str(r.review_period): int(r.value) for r in whole.itertuples()}


def coverage(cases: pd.DataFrame, period: str) -> dict:
    """How many of a period's reviews the file holds, beside how many were published.

    Returns
    -------
    dict
        ``reviews_count`` (the file's reviews in ``period``), ``members__reviews_count``
        (those reviews, for disclosure control) and ``published_reviews`` (None when no
        count of the period's reviews is published).
    """
    held = reviews(cases)
    return {
        "reviews_count": len(held),
        PREFIX + "reviews_count": members_of(held),
        "published_reviews": published_reviews().get(str(period)),
    }


def is_part(held: int | None, published: int | None) -> bool:
    """A file with fewer reviews of a period than the report published holds a part of it.

    >>> is_part(70, 293), is_part(293, 293), is_part(70, None)
    (True, False, False)
    """
    return held is not None and published is not None and held < published


def share_interval(result: Result) -> dict:
    """A share's 95% Wilson interval (``ci_low_percent``, ``ci_high_percent``), as the kit's
    tables give it: on effective counts where the counted units repeat (siblings of one
    review). Empty for a measure that is not a share."""
    if result.unit != "percent" or not result.denominator:
        return {}
    one = pd.DataFrame(
        {
            "count": [result.numerator],
            "denominator_count": [result.denominator],
            PREFIX + "count": [result.members.get("numerator")],
            PREFIX + "denominator_count": [result.members.get("denominator")],
        }
    )
    shown = with_interval(one).iloc[0]
    return {
        "ci_low_percent": float(shown["ci_low_percent"]),
        "ci_high_percent": float(shown["ci_high_percent"]),
    }


def judge_part(
    result: Result, statement: Statement, stated: str, interval: dict, held: int, published: int
) -> dict:
    """The verdict on a figure for a file holding part of the period's reviews.

    Parameters
    ----------
    result : Result
        The recomputed measure.
    statement : Statement
        The published statement.
    stated : str
        The published figure as stated ("12%", "< 50%").
    interval : dict
        :func:`share_interval` of the result.
    held, published : int
        The file's reviews of the period, and the report's.

    Returns
    -------
    dict
        ``status``, ``verdict``, ``difference`` (a share's, in points) and ``accepts`` ("":
        the counts a statement accepts judge a whole period's value, not a part's).

    Examples
    --------
    >>> r = Result("scrs_count", 70.0, None, None, "count")
    >>> judge_part(r, Statement("equals", 293), "293", {}, 70, 293)["verdict"]
    'not comparable (part of the country: 70 of 293 reviews)'
    >>> r = Result("cp_plan_current_percent", 100 * 9 / 70, 9, 70, "percent")
    >>> judge_part(r, Statement("equals", 12), "12%", share_interval(r), 70, 293)["verdict"]
    'consistent with 12%: 95% interval 6.9% to 22.7% (part of the country: 70 of 293 reviews)'
    """
    said = words()
    part = said["part"].format(held=held, published=published)
    if not interval:
        return {
            "status": NOT_COMPARABLE,
            "verdict": said["not_comparable"].format(part=part),
            "difference": float("nan"),
            "accepts": "",
        }
    low, high = interval["ci_low_percent"], interval["ci_high_percent"]
    status = CONSISTENT_INTERVAL if statement.meets(low, high) else "differs"
    template = said["consistent" if status == CONSISTENT_INTERVAL else "differs"]
    return {
        "status": status,
        "verdict": template.format(stated=stated, low=low, high=high, part=part),
        "difference": statement.difference(result.value),
        "accepts": "",
    }


def part_periods(scorecard: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """The periods a scorecard (as written) judged as a part of the country: for each, the
    file's reviews and the report's. (Where disclosure control withheld the number of
    reviews, every verdict of the period went with it: nothing is said of that period.)"""
    if "published_reviews" not in scorecard or "reviews_count" not in scorecard:
        return {}
    parts = {}
    for period, group in scorecard.groupby("review_period", sort=True):
        held = pd.to_numeric(group["reviews_count"], errors="coerce").dropna()
        published = pd.to_numeric(group["published_reviews"], errors="coerce").dropna()
        if len(held) and len(published) and is_part(int(held.iloc[0]), int(published.iloc[0])):
            parts[str(period)] = (int(held.iloc[0]), int(published.iloc[0]))
    return parts


def coverage_lines(scorecard: pd.DataFrame) -> list[str]:
    """The summary's sentences on a part of the country: one per such period, then how to
    read its verdicts (none for a file of whole periods)."""
    parts = part_periods(scorecard)
    if not parts:
        return []
    said = words()
    lines = [
        said["coverage"].format(period=period, held=held, published=published)
        for period, (held, published) in parts.items()
    ]
    return [*lines, said["advice"]]
