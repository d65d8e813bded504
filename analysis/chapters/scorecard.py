"""The reproduction scorecard: each published figure, recomputed from case data where it can be.

For every row of ``data/published/``, a verdict that says what was checked
(:mod:`analysis.stats.compare` sets the rules):

- ``agrees``: the recomputed value meets an exact figure at the precision it was stated to
  (a strong check: "agrees (exact figure)");
- ``consistent (weak)``: it meets a statement that many values would meet ("fewer than half":
  the ``accepts`` column says how many);
- ``differs``: it does not (``difference`` says by how much);
- ``not computable``: the case data cannot speak to it, or its source could not be verified
  (with the reason).

A figure about a subgroup (a register row with a ``category``: the SUDI paper's "18/27
hazardous sleep environment") is computed over that subgroup (:mod:`analysis.stats.subgroups`
says which rows, as data); ``computed_over`` names them and ``caveat`` says where the codebook's
item is not quite the source's. A count stated out of a base ("18/27") is an exact figure: it
agrees when the count and its base both come back (:mod:`analysis.chapters.count_of`).

A file that holds fewer reviews of a period than the report published (a part of the country,
a sample) cannot give the report's counts back, and its shares carry the uncertainty of a few
reviews. For such a period (:func:`part_of_the_country`), a count reads ``not comparable``
("part of the country: 70 of 293 reviews"), and a share is judged by its 95% Wilson interval,
the interval every table of the kit gives a share (:func:`analysis.stats.tables.with_interval`):

- ``consistent (interval)``: the interval meets the values the published statement accepts;
- ``differs``: it leaves them all out.

The published statement and value are public: disclosure control never hides them
(``attrs[PUBLISHED_COLUMNS]``); only the run's own numbers and verdicts can read ``c``.

A figure that was also a calibration target of the synthetic data is flagged: on synthetic
data it agrees by construction, which proves the pipeline, not the finding. Figures held out
of calibration are the scorecard's real test on the shipped data.
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.casedata.load import SYNTHETIC_LABEL
from analysis.chapters.count_of import (
    count_of_interval,
    is_count_of,
    judge_count_of,
    judge_count_of_part,
    published_value,
    stated_base,
)
from analysis.chapters.part_of_country import (
    CONSISTENT_INTERVAL,
    NOT_COMPARABLE,
    coverage,
    coverage_lines,
    is_part,
    judge_part,
    part_periods,
    share_interval,
)
from analysis.reference.published import load_published, stated
from analysis.stats.compare import Statement
from analysis.stats.measures import MEASURES, Result, reviews
from analysis.stats.members import (
    IMPLIED,
    PREFIX,
    PUBLIC_COUNTS,
    PUBLISHED_COLUMNS,
    members_of,
    strip,
)
from analysis.stats.subgroups import (
    caveat,
    compute_figure,
    computed_over,
    final_report_column,
    spec_for,
)
from analysis.stats.tables import proportion_table, unknown_reviews
from analysis.synthetic import calibration_figure_ids, held_out_figure_ids

SCORECARD_COLUMNS = [
    "figure_id",
    "review_period",
    "measure",
    "computed_over",
    "statement",
    "published_value",
    "relation",
    "strength",
    "recomputed_value",
    "numerator",
    "denominator",
    "ci_low_percent",
    "ci_high_percent",
    "reviews_count",
    "published_reviews",
    "status",
    "verdict",
    "difference",
    "accepts",
    "all_reviews_low_percent",
    "all_reviews_high_percent",
    "calibration_target",
    "reason_kind",
    "reason",
    "caveat",
    "source_url",
]
#: A published figure's status; on own data a verdict withheld with a count it rests on reads
#: as the disclosure marker instead (``c``).
STATUSES = (
    "agrees",
    "consistent (weak)",
    CONSISTENT_INTERVAL,
    "differs",
    NOT_COMPARABLE,
    "not computable",
)
#: How the scorecard's figures name a status withheld by disclosure control.
WITHHELD_LABEL = "verdict withheld (disclosure control)"
#: Which units the counts (and a count measure's value) count, for disclosure control.
_MEMBERS = [PREFIX + "numerator", PREFIX + "denominator", PREFIX + "reviews_count", IMPLIED]
#: Columns that state the published figure: public, never withheld by disclosure control.
PUBLISHED = (
    "statement",
    "published_value",
    "published_reviews",
    "relation",
    "strength",
    "computed_over",
    "caveat",
)


def judge(result: Result, statement: Statement) -> dict:
    """The verdict on one recomputed value: status, words, difference and accepted counts.

    Examples
    --------
    >>> r = Result("cp_plan_current_percent", 100 * 38 / 293, 38, 293, "percent")
    >>> judge(r, Statement("equals", 12))["verdict"]
    'differs by +1.0 points from 12%'
    >>> r = Result("csc_current_involvement_percent", 100 * 50 / 293, 50, 293, "percent")
    >>> verdict = judge(r, Statement("less_than", 50))
    >>> verdict["verdict"], verdict["accepts"]
    ('consistent (weak statement)', '0 to 146 of 293')
    """
    percent = result.unit == "percent"
    difference = statement.difference(result.value)
    if statement.accepts(result.value):
        status = "agrees" if statement.strength == "strong" else "consistent (weak)"
        words = "agrees (exact figure)" if status == "agrees" else "consistent (weak statement)"
    else:
        status = "differs"
        named = _figure_words(statement, percent)
        words = f"differs by {difference:+.1f}{' points' if percent else ''} from {named}"
    return {
        "status": status,
        "verdict": words,
        "difference": difference,
        "accepts": _accepts(result, statement),
    }


def _figure_words(statement: Statement, percent: bool) -> str:
    unit = "%" if percent else ""
    if statement.relation == "between":
        return f"{statement.low:g}-{statement.high:g}{unit}"
    return f"{statement.value:g}{unit}"


def _accepts(result: Result, statement: Statement) -> str:
    """The whole counts the statement accepts, in words: how strong a check agreement is."""
    if result.unit == "months":  # a median: whatever rounds to the figure as stated
        return f"medians that round to {_figure_words(statement, False)} months"
    if result.unit == "percent" and result.denominator:
        span = statement.accepted_counts(100 / result.denominator, largest=result.denominator)
        return f"{span[0]} to {span[1]} of {result.denominator}" if span else "none"
    if result.years:  # a count a year: the counts over the whole period
        span = statement.accepted_counts(1 / result.years)
        return f"{span[0]} to {span[1]} in {result.years} years" if span else "none"
    span = statement.accepted_counts(1)
    if not span:
        return "none"
    return f"exactly {span[0]}" if span[0] == span[1] else f"{span[0]} to {span[1]}"


def _statement(fig: pd.Series) -> Statement:
    return Statement(fig["relation"], fig["value"], fig["value_low"], fig["value_high"])


def _why_not_computable(
    fig: pd.Series, cases_by_period: dict[str, pd.DataFrame]
) -> tuple[str, str] | None:
    """(kind, reason) when the case data cannot speak to a published figure, else None.

    A figure whose source could not be consulted again (``verified`` is ``no``) is never
    scored, whatever the data: a check against it would check nothing anyone can see.
    """
    if str(fig.get("verified", "yes")).strip().lower() == "no":
        return "unverified source", "the cited source could not be consulted again: not scored"
    cases = cases_by_period.get(fig["review_period"])
    if cases is None or cases.empty:
        period = str(fig["review_period"])
        if period.partition(" (")[0] in cases_by_period and period.endswith(")"):
            return "part of a period", (
                f"stated for part of a period, {period}: incident years are coded as financial "
                "years, so the case data cannot select that window"
            )
        return "period not in case data", f"no case data for review period {period}"
    if pd.notna(fig["category"]) and str(fig["category"]).strip():
        if spec_for(fig) is None:
            return "subgroup not coded", f"a subgroup figure ({fig['category']}) not coded"
        return None
    if fig["measure"] not in MEASURES:
        return "measure not coded", f"{fig['measure']} is not coded in the case data"
    return None


def build_scorecard(cases_by_period: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Recompute every published figure the case data can speak to.

    Parameters
    ----------
    cases_by_period : dict
        Review period (e.g. ``"2011-14"``) to that period's loaded cases.

    Returns
    -------
    DataFrame
        One row per published figure, columns :data:`SCORECARD_COLUMNS`, then
        ``members__numerator``, ``members__denominator``, ``members__reviews_count`` and
        ``members__implied`` (a count measure's value), None where nothing was computed from
        case data. Beside each recomputed value: ``ci_low_percent`` and ``ci_high_percent``
        (a share's 95% Wilson interval), ``reviews_count`` (the file's reviews in the
        figure's period) and ``published_reviews`` (the report's, where published). A period
        the file holds only part of is judged by :func:`judge_part`; every other by
        :func:`judge`. ``attrs[PUBLISHED_COLUMNS]`` names the columns that state the
        published figure, which disclosure control never withholds.
    """
    calibration = calibration_figure_ids()
    rows = []
    for _, fig in load_published().iterrows():
        row = {
            "figure_id": fig["figure_id"],
            "review_period": fig["review_period"],
            "measure": fig["measure"],
            "computed_over": computed_over(fig),
            "statement": fig["statement"],
            "published_value": published_value(fig),
            "relation": fig["relation"],
            "strength": _statement(fig).strength,
            "recomputed_value": math.nan,
            "numerator": pd.NA,
            "denominator": pd.NA,
            "ci_low_percent": math.nan,
            "ci_high_percent": math.nan,
            "reviews_count": pd.NA,
            "published_reviews": pd.NA,
            "verdict": "",
            "difference": math.nan,
            "accepts": "",
            "all_reviews_low_percent": math.nan,
            "all_reviews_high_percent": math.nan,
            "calibration_target": fig["figure_id"] in calibration,
            "reason_kind": "",
            "reason": "",
            "caveat": caveat(fig),
            "source_url": fig["source_url"],
            **dict.fromkeys(_MEMBERS),
        }
        why = _why_not_computable(fig, cases_by_period)
        if why:
            row.update(status="not computable", reason_kind=why[0], reason=why[1])
        else:
            cases = cases_by_period[fig["review_period"]]
            try:
                result = compute_figure(fig, cases)
            except ValueError as exc:
                row.update(status="not computable", reason_kind="column missing", reason=str(exc))
            else:
                counted = is_count_of(result, fig)
                interval = count_of_interval(result) if counted else share_interval(result)
                row.update(
                    recomputed_value=result.value,
                    numerator=result.numerator,
                    denominator=result.denominator,
                    **interval,
                    **coverage(cases, fig["review_period"]),
                    **result.row_members(),
                )
                row.update(_verdict(result, fig, interval, row))
                column = final_report_column(fig)
                if column:
                    row.update(_over_all_reviews(result, cases, row[IMPLIED], column))
        rows.append(row)
    card = pd.DataFrame(rows, columns=SCORECARD_COLUMNS + _MEMBERS)
    for column in ("reviews_count", "published_reviews"):
        card[column] = card[column].astype("Int64")
    card.attrs[PUBLISHED_COLUMNS] = PUBLISHED
    return card


def _verdict(result: Result, fig: pd.Series, interval: dict, row: dict) -> dict:
    """The verdict on a whole period (:func:`judge`) or on a part of one (:func:`judge_part`);
    a count out of a stated base by :mod:`analysis.chapters.count_of`."""
    held, published = row["reviews_count"], row["published_reviews"]
    statement, base = _statement(fig), stated_base(fig)
    if is_count_of(result, fig):
        if not is_part(held, published):
            return judge_count_of(result, statement, base)
        return judge_count_of_part(result, statement, base, interval, held, published)
    if not is_part(held, published):
        return judge(result, statement)
    return judge_part(result, statement, stated(fig), interval, held, published)


def _over_all_reviews(result: Result, cases: pd.DataFrame, implied, column: str) -> dict:
    """A final-report share read over all SCRs: what the reports show, up to every review
    without a report having the factor (the sources say "three-quarters of all SCRs" of a
    share computed over final reports), counting a report that did not record the factor as
    unknown. The bounds give the number of reviews back, so its units join the row's implied
    counts."""
    everyone = reviews(cases)
    total = len(everyone)
    unknown = unknown_reviews(cases, column)
    return {
        "all_reviews_low_percent": 100 * result.numerator / total,
        "all_reviews_high_percent": 100 * (result.numerator + len(unknown)) / total,
        IMPLIED: (*(implied or ()), members_of(everyone), members_of(unknown)),
    }


def _tally(scorecard: pd.DataFrame) -> dict[str, int]:
    """Figures by status; ``withheld`` counts verdicts disclosure control replaced."""
    status = scorecard["status"]
    counts = {s: int((status == s).sum()) for s in STATUSES}
    counts["withheld"] = int((~status.isin(STATUSES)).sum())
    counts["computable"] = len(scorecard) - counts["not computable"]
    return counts


def verdict_counts(scorecard: pd.DataFrame) -> str:
    """The verdicts in one clause.

    >>> card = pd.DataFrame({"status": ["agrees", "consistent (weak)", "c", "not computable"]})
    >>> for part in verdict_counts(card).split("; "):
    ...     print(part)
    1 agrees with an exact figure, 1 is consistent with a weak statement, 0 differ
    1 verdict withheld by disclosure control

    A part of the country's verdicts (:mod:`analysis.chapters.part_of_country`) are named
    when there are any:

    >>> card = pd.DataFrame({"status": ["consistent (interval)", "differs", "not comparable"]})
    >>> for part in verdict_counts(card).split(", "):
    ...     print(part)
    0 agree with an exact figure
    0 are consistent with a weak statement
    1 is consistent within its 95% interval
    1 differs; 1 count not comparable (part of the country)
    """
    n = _tally(scorecard)
    interval = n[CONSISTENT_INTERVAL]
    within = (
        "is consistent within its 95% interval"
        if interval == 1
        else "are consistent within their 95% intervals"
    )
    text = (
        f"{n['agrees']} {'agrees' if n['agrees'] == 1 else 'agree'} with an exact figure, "
        f"{n['consistent (weak)']} {'is' if n['consistent (weak)'] == 1 else 'are'} consistent "
        "with a weak statement, "
        + (f"{interval} {within}, " if interval else "")
        + f"{n['differs']} {'differs' if n['differs'] == 1 else 'differ'}"
    )
    if n[NOT_COMPARABLE]:
        many = n[NOT_COMPARABLE] != 1
        text += (
            f"; {n[NOT_COMPARABLE]} count{'s' if many else ''} not comparable (part of the country)"
        )
    if n["withheld"]:
        text += (
            f"; {n['withheld']} verdict{'s' if n['withheld'] != 1 else ''} withheld by "
            "disclosure control"
        )
    return text


def summary(scorecard: pd.DataFrame) -> str:
    """What the scorecard found, and how far to trust it.

    The calibration caveat applies only to synthetic data: a written scorecard says what data
    made it in its ``dataset`` column; a scorecard as built (no ``dataset``) is synthetic when
    it keeps ``calibration_target``, which runs on own data drop.
    """
    n = _tally(scorecard)
    lines = [
        f"Of {n['computable']} computable published figures: {verdict_counts(scorecard)}; "
        f"{n['not computable']} of {len(scorecard)} not computable from case data.",
    ]
    if "dataset" in scorecard:
        synthetic = bool((scorecard["dataset"] == SYNTHETIC_LABEL).all())
    else:
        synthetic = "calibration_target" in scorecard
    if synthetic and "calibration_target" in scorecard:
        computed = scorecard[scorecard["status"] != "not computable"]
        targets = computed["calibration_target"].astype(bool)
        # the figures deliberately drawn from another period (HELD_OUT), not merely untargeted
        held_out = computed[computed["figure_id"].isin(held_out_figure_ids())]
        lines.append(
            f"{int(targets.sum())} of the {len(computed)} were calibration targets of the "
            "synthetic data: they agree by construction, which proves the pipeline, not the "
            "finding."
        )
        lines.append(
            "Held out of calibration (drawn from another period's figure, so a real test): "
            + "; ".join(f"{r.figure_id} {r.verdict}" for r in held_out.itertuples())
            + "."
            if len(held_out)
            else "None was held out of calibration, so this run tests only the pipeline."
        )
    parts = coverage_lines(scorecard)
    lines += parts
    if not synthetic and _judged_whole(scorecard):
        lines.append(
            "Agreement means your coded cases give the figure the report published, at the "
            "precision it was stated to; it is not evidence that the kit or the report is right. "
            "A weak statement says little (the accepts column shows how many counts meet it); "
            "a figure that differs deserves a look at the coding."
        )
    return "\n".join(lines)


def _judged_whole(scorecard: pd.DataFrame) -> bool:
    """Some figure of a period the file holds whole (not a part of the country) was judged."""
    parts = part_periods(scorecard)
    if not parts:
        return True
    computed = scorecard[scorecard["status"] != "not computable"]
    return not computed["review_period"].astype(str).isin(parts).all()


def not_computable_reasons(scorecard: pd.DataFrame) -> pd.DataFrame:
    """How many published figures the case data cannot speak to, by reason.

    These are counts of published figures, not of children, so they need no disclosure control
    (``attrs[PUBLIC_COUNTS]``).
    """
    not_computable = scorecard[scorecard["status"] == "not computable"]
    table = not_computable.groupby("reason_kind").size().rename("figures_count").reset_index()
    table.attrs[PUBLIC_COUNTS] = True
    return table


def status_table(scorecard: pd.DataFrame) -> pd.DataFrame:
    """The published figures by scorecard status, with shares (counts of figures, not of
    children: ``attrs[PUBLIC_COUNTS]``).

    On own data, tally the protected scorecard (as written): a verdict it withholds is counted
    as :data:`WITHHELD_LABEL`, never as the status it hides.
    """
    table = strip(proportion_table(scorecard, "status"))
    table.loc[~table["status"].isin(STATUSES), "label"] = WITHHELD_LABEL
    table.attrs[PUBLIC_COUNTS] = True
    return table


def status_headline(scorecard: pd.DataFrame) -> str:
    """A title: the verdicts on the computable published figures.

    >>> card = pd.DataFrame({"status": ["agrees", "differs", "c", "not computable"]})
    >>> for part in status_headline(card).split(", "):
    ...     print(part)
    Of 3 computable published figures
    1 agrees with an exact figure
    0 are consistent with a weak statement
    1 differs; 1 verdict withheld by disclosure control
    """
    return (
        f"Of {_tally(scorecard)['computable']} computable published figures, "
        f"{verdict_counts(scorecard)}"
    )
