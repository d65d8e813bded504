"""The families chapter's figures (notebook 04), with titles and alt text built from the
plotted tables.

The figures are generic plots (:mod:`analysis.charts.bars`, :mod:`analysis.charts.lines`) of
tables from :mod:`analysis.chapters.families`; each figure function returns a
:class:`~analysis.charts.chart.Chart`. What a figure says of published sources (citations,
values as stated) comes from :func:`analysis.chapters.families.figure_words`: ``words``.
"""

from __future__ import annotations

import pandas as pd

from analysis.charts.alt import percent_list, range_text, withheld_text
from analysis.charts.bars import bar_percent, grouped_bar_percent
from analysis.charts.chart import Chart
from analysis.charts.gaps import (
    counted,
    is_missing,
    lower_first,
    number_words,
    row_markers,
    shares_by,
    word_list,
)
from analysis.charts.lines import line_series

#: The assessment factor the national series chart leaves out: not one of the trio.
NOT_IN_TRIO = "learning_disability"


def parental_factors(comparison: pd.DataFrame, factors: pd.DataFrame, words: dict) -> Chart:
    """Figure ``04_parental_factors``: each factor recomputed, beside the published figures.

    Parameters
    ----------
    comparison : DataFrame
        :func:`analysis.chapters.families.factors_vs_published`, as ``run.table`` returned it.
    factors : DataFrame
        :func:`analysis.chapters.families.parental_factors`, as ``run.table`` returned it: its
        number of reviews (on own data it may be withheld) is the subtitle's base.
    words : dict
        :func:`analysis.chapters.families.figure_words` (``factors_source``).
    """
    fig = grouped_bar_percent(
        comparison,
        "label",
        "source",
        "percent",
        low="ci_low_percent",
        high="ci_high_percent",
        marker="marker",
        title=parental_factors_title(comparison),
        subtitle=f"Share of {counted(factors, 'denominator_count', 'reviews with a final report')}"
        ", 2011-14 (95% intervals), beside published figures; 2017-19 is a later period, for "
        "context",
    )
    return Chart(
        fig,
        comparison.drop(columns="note"),
        parental_factors_alt_text(comparison),
        f"Source: coded case data; {words['factors_source']}. 2017-19 drug bar: 'substance "
        "misuse'.",
    )


def assessment_factors(national: pd.DataFrame) -> Chart:
    """Figure ``04_assessment_factors``: the share of assessments recording each of the trio's
    factors for a parent or carer, by year (real statistics; learning disability is in the
    table, not drawn).

    ``national`` is :func:`analysis.chapters.families.assessment_factors`, as the public
    statistics run returned it.
    """
    drawn = national[national["factor"] != NOT_IN_TRIO]
    fig = line_series(
        drawn,
        "reporting_year",
        "percent",
        "label",
        title=assessment_series_title(drawn),
        subtitle="Share of children's social care assessments with at least one factor recorded, "
        "England, by reporting year (to 31 March)",
        ylabel="Percentage of assessments",
        value_format="{:.0f}%",
        end_values=True,
    )
    return Chart(
        fig,
        drawn,
        assessment_series_alt_text(drawn),
        "Source: DfE, Children in need statistics 2018 to 2025, table C3.",
    )


def families_in_context(context: pd.DataFrame, words: dict) -> Chart:
    """Figure ``04_families_in_context``: the factors in SCRs beside the assessments of the
    years nearest the later period (four groups at most: the same-period published pair is in
    :func:`parental_factors` and in the table).

    Parameters
    ----------
    context : DataFrame
        :func:`analysis.chapters.families.factors_in_context`, as ``run.table`` returned it.
    words : dict
        :func:`analysis.chapters.families.figure_words`.
    """
    drawn = context[context["source"] != words["same_period"]]
    period = words["context_period"]
    beside = assessment_source_beside(context, period)
    fig = grouped_bar_percent(
        drawn,
        "label",
        "source",
        "percent",
        low="ci_low_percent",
        high="ci_high_percent",
        marker="marker",
        title=families_in_context_title(drawn, words["later_period"], beside, period),
        subtitle=f"Share of SCRs with a final report: recomputed 2011-14 "
        f"({words['recomputed_from']}), published 2017-19 (real); share of "
        "assessments with a factor recorded, England (real). Different units and years",
    )
    return Chart(
        fig,
        drawn.drop(columns="note"),
        families_in_context_alt_text(drawn),
        f"Source: coded case data; {words['context_source']}; DfE, Children in need, table C3. "
        "2017-19 drug bar: 'substance misuse', not in the title's ratio.",
    )


def assessment_source_beside(context: pd.DataFrame, review_period: str) -> str:
    """The ``source`` of the assessment bars set beside a review period, read from the
    table by its data (official statistics), not by the wording of its name.

    ``context`` is :func:`analysis.chapters.families.factors_in_context` (or its protected
    table).
    """
    official = context[
        (context["review_period"] == review_period) & (context["data"] == "official statistics")
    ]
    return str(official["source"].iloc[0])


def toxic_trio(combos: pd.DataFrame, trio: pd.DataFrame, words: dict) -> Chart:
    """Figure ``04_toxic_trio_combinations``: every combination of the trio.

    Parameters
    ----------
    combos, trio : DataFrame
        :func:`analysis.chapters.toxic_trio.trio_combinations` and
        :func:`analysis.chapters.families.toxic_trio`, as ``run.table`` returned them.
    words : dict
        :func:`analysis.chapters.families.figure_words` (``trio_any``, ``trio_source``).
    """
    fig = bar_percent(
        combos,
        "label",
        "percent",
        low="ci_low_percent",
        high="ci_high_percent",
        title=toxic_trio_title(trio),
        subtitle=toxic_trio_subtitle(trio, words["trio_any"]),
    )
    return Chart(
        fig,
        combos,
        toxic_trio_alt_text(combos, trio, words["trio_any"]),
        f"Source: coded case data; {words['trio_source']}.",
    )


def neglect(series: pd.DataFrame, words: dict) -> Chart:
    """Figure ``04_neglect_series``: neglect as a feature by analysis, the recomputed value
    apart from the published line.

    ``series`` is :func:`analysis.chapters.families.neglect_recomputed`, as ``run.table``
    returned it; ``words`` is :func:`analysis.chapters.families.figure_words`.
    """
    fig = line_series(
        series,
        "review_period",
        "percent",
        "series",
        title=neglect_title(series),
        subtitle="Share of reviews (final reports) where neglect was a feature; 2014-17 and "
        f"2017-19 stated as {words['neglect_later']}; no 2011-14 figure is published, so the "
        "published line has a gap",
        ylabel="Percentage of reviews",
        value_format="{:.0f}%",
        end_values=True,
    )
    return Chart(
        fig,
        series,
        neglect_alt_text(series),
        f"Source: {words['neglect_source']}; coded case data.",
    )


def parental_factors_alt_text(comparison: pd.DataFrame) -> str:
    """Alt text of the parental factors beside the published 2011-14 and 2017-19 figures.

    Parameters
    ----------
    comparison : DataFrame
        From :func:`analysis.chapters.families.factor_comparison`: the recomputed rows first
        (their ``source`` names the first group of bars), then the published ones with
        ``figure_id`` and ``stated``.
    """
    recomputed = comparison[comparison["source"] == comparison["source"].iloc[0]]
    alcohol = comparison.loc[comparison["figure_id"] == "p2011_parent_alcohol", "stated"]
    later = comparison[comparison["figure_id"].str.startswith("p2017").fillna(False)]
    return (
        f"Grouped horizontal bar chart of {number_words(len(recomputed))} parental factors in "
        "serious case reviews with a final report, 2011-14: recomputed with a 95% interval, "
        "beside the figures published for 2011-14 and 2017-19. Recomputed shares run "
        f"{range_text(recomputed)}.{withheld_text(recomputed)} Published 2011-14: alcohol and "
        f"drug misuse each {alcohol.iloc[0]} (which is which unknown). Published 2017-19: "
        + "; ".join(f"{r.label.lower()} {r.stated}" for r in later.itertuples())
        + "."
    )


def toxic_trio_title(trio: pd.DataFrame) -> str:
    """Title of the trio combinations: how often all three, and none, were present.

    Parameters
    ----------
    trio : DataFrame
        :func:`analysis.chapters.toxic_trio.trio_summary`, protected (``measure``, ``percent``).
        A withheld share is named "[c] suppressed", not stated as a finding.

    >>> t = pd.DataFrame({"measure": ["none", "all"], "percent": [29.1, None],
    ...                   "count_marker": ["", "c"]})
    >>> toxic_trio_title(t)
    'All three together: [c] suppressed; none of the three: 29%'
    """
    share = dict(zip(trio["measure"], trio["percent"], strict=True))
    if not any(is_missing(share.get(m)) for m in ("all", "none")):
        return (
            f"All three together in {share['all']:.0f}% of reviews; none of them in "
            f"{share['none']:.0f}%"
        )
    shown = shares_by(trio, "measure")
    return f"All three together: {shown['all']}; none of the three: {shown['none']}"


def toxic_trio_subtitle(trio: pd.DataFrame, published_any: str) -> str:
    """Subtitle of the trio combinations: what is shown, and the share with at least one.

    Parameters
    ----------
    trio : DataFrame
        As in :func:`toxic_trio_title`.
    published_any : str
        The 2005-07 published share with any of the three, as stated.
    """
    return (
        "Domestic abuse, parental mental ill health and substance misuse, reviews with a "
        f"final report, 2011-14 (95% intervals). At least one: {shares_by(trio, 'measure')['any']} "
        f"(2005-07 published, any of the three: {published_any})"
    )


def toxic_trio_alt_text(combos: pd.DataFrame, trio: pd.DataFrame, published_any: str) -> str:
    """Alt text of the eight combinations of the "toxic trio".

    Parameters
    ----------
    combos : DataFrame
        The plotted combinations (:func:`analysis.chapters.toxic_trio.trio_combinations`).
    trio : DataFrame
        :func:`analysis.chapters.toxic_trio.trio_summary` (its ``any`` row is stated).
    published_any : str
        The 2005-07 published share with any of the three, as stated (e.g. "about 75%").
    """
    any_percent = shares_by(trio, "measure")["any"]
    return (
        "Horizontal bar chart of the eight combinations of domestic abuse, parental mental "
        "ill health and substance misuse among reviews with a final report, 2011-14, with 95% "
        "intervals: "
        + percent_list(combos)
        + f". At least one of the three: {any_percent}; the 2005-07 analysis published "
        f"{published_any} for any of the three."
    )


def neglect_alt_text(series: pd.DataFrame) -> str:
    """Alt text of the neglect line: published values by analysis, then the recomputed ones.

    Parameters
    ----------
    series : DataFrame
        From :func:`analysis.chapters.families.neglect_series`: ``series`` is "Published" or
        the recomputed label; a recomputed value is a row with a ``percent``, or with a marker
        saying why it is withheld.
    """
    published = series[series["series"] == "Published"]
    marked = pd.Series([bool(m) for m in row_markers(series)], index=series.index)
    recomputed = series[(series["series"] != "Published") & (series["percent"].notna() | marked)]
    return (
        "Line chart of the share of serious case reviews in which neglect was a feature, "
        "by national analysis. Published: "
        + "; ".join(
            f"{r.review_period} {r.stated}" if r.stated else f"{r.review_period} not published"
            for r in published.itertuples()
        )
        + ". Recomputed from the case data, drawn as a separate point: "
        + percent_list(recomputed, "review_period")
        + "."
    )


def assessment_series_title(series: pd.DataFrame) -> str:
    """Title of the national assessment series: the most common factor in the latest year.

    >>> s = pd.DataFrame({"reporting_year": [2025, 2025], "financial_year": ["2024-25"] * 2,
    ...                   "label": ["Domestic abuse", "Drug misuse"], "percent": [31.7, 14.1]})
    >>> print(assessment_series_title(s))  # doctest: +NORMALIZE_WHITESPACE
    Domestic abuse was identified for a parent or carer in 32% of assessments with a factor in
    2024-25
    """
    latest = series[series["reporting_year"] == series["reporting_year"].max()]
    top = latest.loc[latest["percent"].idxmax()]
    return (
        f"{top['label']} was identified for a parent or carer in {top['percent']:.0f}% of "
        f"assessments with a factor in {top['financial_year']}"
    )


def assessment_series_alt_text(series: pd.DataFrame) -> str:
    """Alt text of the national assessment series: each factor's first and latest share."""
    first, last = series["reporting_year"].min(), series["reporting_year"].max()
    parts = []
    for label, rows in series.groupby("label", sort=False):
        start = rows.loc[rows["reporting_year"] == first, "percent"].iloc[0]
        end = rows.loc[rows["reporting_year"] == last, "percent"].iloc[0]
        parts.append(f"{label} {start:.0f}% to {end:.0f}%")
    years = series.drop_duplicates("reporting_year")["financial_year"]
    return (
        f"Line chart of the share of children's social care assessments in England, among "
        f"those with at least one factor recorded, in which each of {len(parts)} factors was "
        f"identified for a parent or carer, from {years.iloc[0]} to {years.iloc[-1]}: "
        + "; ".join(parts)
        + ". Official statistics (DfE, Children in need, table C3), not synthetic."
    )


def families_in_context_title(
    table: pd.DataFrame, scr_source: str, assessment_source: str, period: str
) -> str:
    """Title setting a published SCR period beside the assessments of the same years.

    Computed from the two groups of bars, like for like only (a published figure of another
    measure is left out): the factors whose SCR share is higher, and the range of the ratio.
    Where no pair is shown, says so.

    >>> t = pd.DataFrame({"label": ["A", "B", "A", "B"], "source": ["s", "s", "a", "a"],
    ...                   "percent": [55.0, 34.0, 32.3, 13.1]})
    >>> families_in_context_title(t, "s", "a", "2017-19")
    'SCRs of 2017-19 recorded each factor 1.7 to 2.6 times as often as assessments of those years'
    """
    scr = table[table["source"] == scr_source]
    if "like_for_like" in scr:  # another measure (2017-19 "substance misuse") is not compared
        scr = scr[scr["like_for_like"].astype(bool)]
    scr = scr.set_index("label")["percent"]
    assessed = table[table["source"] == assessment_source].set_index("label")["percent"]
    pairs = pd.concat([scr, assessed], axis=1, keys=["scr", "assessed"]).dropna()
    if pairs.empty:
        return "No factor has both an SCR share and an assessment share to set beside it"
    ratio = pairs["scr"] / pairs["assessed"]
    if (ratio > 1).all():
        return (
            f"SCRs of {period} recorded each factor {ratio.min():.1f} to {ratio.max():.1f} times "
            "as often as assessments of those years"
        )
    higher = ", ".join(label.lower() for label in ratio[ratio > 1].index) or "none"
    return f"Factors recorded more often in SCRs of {period} than in assessments: {higher}"


def families_in_context_alt_text(table: pd.DataFrame) -> str:
    """Alt text of the parental factors in SCRs beside the assessment shares: the range of
    each kind of bar, and the caveat."""
    groups = list(dict.fromkeys(table["source"]))
    assessments = table["episodes"].notna() if "episodes" in table else table["source"].isna()
    reviews, official = table[~assessments.to_numpy()], table[assessments.to_numpy()]
    text = (
        f"Grouped horizontal bar chart of {number_words(table['label'].nunique())} parental "
        f"factors, each with {number_words(len(groups))} bars: shares of serious case reviews "
        "with a final report (recomputed and published) and of children's social care "
        "assessments recording the factor (official statistics). In the reviews, shares run "
        f"{range_text(reviews)}; in the assessments, {range_text(official)}."
    )
    return (
        text
        + withheld_text(table, marker="marker")
        + (" Different units and years: a description, not a test.")
    )


def parental_factors_title(comparison: pd.DataFrame, period: str = "2011-14") -> str:
    """The parental factors chart's title: which factors have a published figure to check.

    ``comparison`` is :func:`analysis.chapters.families.factor_comparison` (``label``,
    ``figure_id``, ``review_period``; published rows carry a register id).

    >>> t = pd.DataFrame({"label": ["Parental alcohol misuse", "Parental drug misuse",
    ...     "Domestic abuse"], "review_period": ["2011-14"] * 3,
    ...     "figure_id": ["p2011_parent_alcohol", "p2011_parent_drug", None]})
    >>> print(parental_factors_title(t))  # doctest: +NORMALIZE_WHITESPACE
    Only parental alcohol misuse and parental drug misuse have a published 2011-14 figure to
    check
    """
    # a row without a figure holds none (None) or, as factor_comparison writes it, ""
    has_figure = comparison["figure_id"].fillna("").astype(str).str.strip() != ""
    published = comparison[has_figure & (comparison["review_period"].astype(str) == period)]
    names = [lower_first(label) for label in dict.fromkeys(published["label"])]
    factors = comparison["label"].nunique()
    if not names:
        return f"No parental factor has a published {period} figure to check"
    if len(names) == factors:
        return f"Every parental factor has a published {period} figure to check"
    verb = "has" if len(names) == 1 else "have"
    return f"Only {word_list(names)} {verb} a published {period} figure to check"


def neglect_title(series: pd.DataFrame) -> str:
    """The neglect series' title: the published shares, and whether each is a majority.

    ``series`` is the plotted series (``series``, ``review_period``, ``percent``; the
    published line is the rows whose ``series`` is "Published").

    >>> t = pd.DataFrame({"series": ["Published"] * 3, "review_period": ["a", "b", "c"],
    ...                   "percent": [60.0, None, 75.0]})
    >>> neglect_title(t)
    'Neglect was a feature in most reviews in every period with a published figure (60-75%)'
    """
    published = series[(series["series"] == "Published") & series["percent"].notna()]
    low, high = published["percent"].min(), published["percent"].max()
    shares = f"{low:.0f}-{high:.0f}%" if low != high else f"{low:.0f}%"
    where = "every period with a published figure"
    if low > 50:
        return f"Neglect was a feature in most reviews in {where} ({shares})"
    if high > 50:
        return f"Neglect was a feature in most reviews in some published periods ({shares})"
    return f"Neglect was a feature in a minority of reviews in {where} ({shares})"
