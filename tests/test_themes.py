"""Practice messages: every coded theme is mapped, counts are right, qualitative ones say so."""

import re
from dataclasses import MISSING, fields

import pandas as pd
import pytest
import yaml

from analysis import load_cases
from analysis.casedata.codebook import PERIODS, load_codebook
from analysis.chapters.themes import (
    MESSAGES,
    MESSAGES_FILE,
    NAMED_WITHOUT_WORDING,
    NO_WORDING,
    QUALITATIVE,
    SOURCE,
    THEME_PREFIX,
    Message,
    closed_too_soon_measures,
    load_messages,
    message_for,
    messages_table,
    theme_table,
    unmapped_themes,
)
from analysis.paths import PUBLISHED_DIR
from analysis.reference.published import load_published
from analysis.stats.measures import MEASURES
from analysis.stats.tables import INVOLVEMENT_MEASURES

THEMES = [m.variable for m in MESSAGES]


@pytest.fixture(scope="module")
def cases():
    return load_cases(period="2011-14")


def _tiny() -> pd.DataFrame:
    """Five rows: two siblings in one review, one review without a final report."""
    rows = [
        # review_id, final report, closed too soon, hanging back, every other theme
        ("r1", "yes", "yes", "no", "yes"),
        ("r1", "yes", "no", "yes", "no"),  # sibling: the review's first row counts
        ("r2", "yes", "not_recorded", "yes", "no"),
        ("r3", "no", None, None, None),  # no final report: out of the denominator
        ("r4", "yes", "no", "yes", "yes"),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "review_id",
            "final_report_available",
            "theme_case_closed_too_soon",
            "theme_hanging_back",
            "other",
        ],
    )
    frame.insert(0, "case_id", [f"c{i}" for i in range(len(frame))])
    for variable in THEMES[2:]:
        frame[variable] = frame["other"]
    return frame.drop(columns="other")


@pytest.mark.parametrize("period", PERIODS)
def test_every_theme_variable_in_the_codebook_is_mapped(period):
    codebook = load_codebook(period)
    themes = [v for v in codebook.variables if v.startswith(THEME_PREFIX)]
    assert themes, "the codebook has no theme variables"
    assert unmapped_themes(codebook) == []
    assert sorted(themes) == sorted(THEMES + list(NAMED_WITHOUT_WORDING))


def test_unmapped_themes_finds_a_new_theme():
    codebook = load_codebook()
    variables = dict(codebook.variables)
    variables["theme_new_message"] = variables["theme_hanging_back"]
    changed = type(codebook)(
        codebook.period, codebook.title, codebook.incident_years, variables, codebook.definitions
    )
    assert unmapped_themes(changed) == ["theme_new_message"]


def test_messages_are_unique_and_point_at_final_report_variables():
    assert len({m.key for m in MESSAGES}) == len(MESSAGES)
    assert len(set(THEMES)) == len(THEMES)
    codebook = load_codebook()
    for message in MESSAGES:
        assert codebook[message.variable].final_report_only
        assert message.headings and message.wording and message.pages_cited
    assert message_for("theme_hanging_back").key == "hanging_back"
    with pytest.raises(KeyError):
        message_for("theme_unknown")


def test_messages_file_loads_and_every_message_is_complete():
    raw = yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))
    assert raw["source"] == SOURCE and SOURCE.startswith("Blog summary")
    assert load_messages() == (SOURCE, MESSAGES)
    required = [f.name for f in fields(Message) if f.default is MISSING]
    codebook = load_codebook()
    published = load_published().set_index("figure_id")
    for entry, message in zip(raw["messages"], MESSAGES, strict=True):
        for name in required:
            assert entry.get(name), (message.key, name)
        assert all(isinstance(h, str) and h for h in message.headings)
        # Each tied measure exists: a published figure of a registered measure, or none
        # (qualitative); other measures name a table measure or a codebook code.
        for figure_id in message.related_figures:
            assert published.loc[figure_id, "measure"] in MEASURES, (message.key, figure_id)
        assert message.qualitative == (not message.related_figures)
        for other in message.other_measures:
            column, code = other.split(": ")
            if column == "involvement_now_vs_ever":
                assert code in INVOLVEMENT_MEASURES, other
            else:
                assert code in codebook[column].codes, other


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"wording": None}, "no wording"),
        ({"wording": " "}, "wording must be text"),
        ({"headings": []}, "at least one heading"),
        ({"headings": "One heading"}, "headings must be a list of text"),
        ({"related_figures": [1]}, "related_figures must be a list of text"),
        ({"measure": "x"}, "unknown field 'measure'"),
    ],
)
def test_an_incomplete_message_is_refused_by_name(change, problem, tmp_path):
    entry = {
        "key": "k",
        "label": "L",
        "variable": "theme_k",
        "headings": ["H"],
        "wording": "W",
        "pages_cited": "pg 1",
        **change,
    }
    path = tmp_path / "themes.yaml"
    path.write_text(yaml.safe_dump({"source": "S", "messages": [entry]}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"message 1 \(k\): .*" + re.escape(problem)):
        load_messages(path)
    path.write_text(yaml.safe_dump({"messages": [entry]}), encoding="utf-8")
    with pytest.raises(ValueError, match="needs a source"):
        load_messages(path)


def test_qualitative_messages_are_flagged():
    by_key = {m.key: m for m in MESSAGES}
    # Only "closed too soon" has published statistics near it; every other message is words.
    assert not by_key["closed_too_soon"].qualitative
    assert [m.key for m in MESSAGES if m.qualitative] == [
        "hanging_back",
        "thresholds",
        "child_voice",
        "family_voice",
        "workloads",
    ]
    for message in MESSAGES:
        assert message.qualitative == (message.evidence == QUALITATIVE)
    table = messages_table()
    assert table["qualitative"].tolist() == [m.qualitative for m in MESSAGES]
    assert (table.loc[table["qualitative"], "related_figures"] == "").all()
    assert table.loc[0, "related_figures"].startswith("p2011_csc_current (< 50%)")


def test_referenced_figures_exist_and_none_measures_a_theme():
    published = load_published().set_index("figure_id")
    not_found = pd.read_csv(PUBLISHED_DIR / "not_found.csv")
    for message in MESSAGES:
        for figure_id in message.related_figures:
            assert figure_id in published.index
            # Related statistics are about social-care involvement, not the theme's own rate.
            assert published.loc[figure_id, "measure"].startswith("csc_")
        for item_id in message.not_found:
            assert item_id in set(not_found["item_id"])


def test_theme_table_counts_each_review_with_a_final_report_once():
    table = theme_table(_tiny()).set_index("variable")
    assert (table["denominator_count"] == 3).all()  # r1, r2, r4
    closed = table.loc["theme_case_closed_too_soon"]
    assert (closed["count"], closed["not_recorded_count"]) == (1, 1)
    assert closed["percent"] == pytest.approx(100 / 3)
    assert table.loc["theme_hanging_back", "count"] == 2  # r2 and r4; r1's sibling does not count
    assert table.loc["theme_workload_pressure", "count"] == 2
    assert (table["ci_low_percent"] <= table["percent"]).all()
    assert (table["percent"] <= table["ci_high_percent"]).all()


def test_theme_table_agrees_with_an_independent_count(cases):
    table = theme_table(cases)
    assert table["variable"].tolist() == THEMES + list(NAMED_WITHOUT_WORDING)
    assert table["label"].tolist()[: len(THEMES)] == [m.label for m in MESSAGES]
    first_rows = cases.drop_duplicates("review_id")
    with_report = first_rows[first_rows["final_report_available"].astype(str) == "yes"]
    for row in table.itertuples():
        expected = int((with_report[row.variable].astype(str) == "yes").sum())
        assert row.count == expected
        assert row.denominator_count == len(with_report) == 175
        assert row.percent == pytest.approx(100 * expected / 175)
    assert table.loc[table["message_key"] == "closed_too_soon", "qualitative"].item() is False


def test_theme_table_says_which_column_is_missing():
    with pytest.raises(KeyError, match="theme_workload_pressure"):
        theme_table(_tiny().drop(columns="theme_workload_pressure"))


def test_closed_too_soon_measures_recomputed_independently(cases):
    table = closed_too_soon_measures(cases).set_index("measure")
    status = cases["csc_status_at_incident"].astype(str)
    now = status.isin(["open_child_in_need", "open_child_protection_plan", "open_looked_after"])
    ever = cases["csc_ever_involved"].astype(str) == "yes"
    assert table.loc["now", "count"] == now.sum()
    assert table.loc["ever", "count"] == ever.sum()
    assert table.loc["closed_gap", "count"] == (ever & ~now).sum()
    assert (
        table.loc["closed_before_incident", "count"] == (status == "closed_before_incident").sum()
    )
    assert (table.loc[["now", "ever", "closed_gap"], "denominator_count"] == len(cases)).all()
    theme = table.loc["theme_case_closed_too_soon"]
    assert theme["denominator_count"] == 175
    assert theme["population"] == "reviews with a final report"
    # Published: only now and ever; the gap and the closed share are not.
    assert table.loc["now", "stated"] == "< 50%"
    assert table.loc["ever", "figure_id"] == "p2011_csc_ever"
    assert (table.loc[["closed_gap", "closed_before_incident"], "figure_id"] == "").all()
    assert table["published"].str.startswith("no").sum() == 3


def test_themes_named_without_wording_are_counted_when_the_file_has_them(cases):
    """The 2014-17 themes (supervision, chronology, fragmented working) are rows of the table
    when the file codes them, marked as having no wording, and a file without them still runs."""
    table = theme_table(cases)
    named = table[table["variable"].isin(NAMED_WITHOUT_WORDING)]
    assert named["variable"].tolist() == list(NAMED_WITHOUT_WORDING)
    assert set(named["evidence"]) == {NO_WORDING} and named["qualitative"].all()
    with_report = cases[cases["final_report_available"] == "yes"].drop_duplicates("review_id")
    for _, row in named.iterrows():
        assert row["count"] == (with_report[row["variable"]] == "yes").sum()
    without = theme_table(cases.drop(columns=list(NAMED_WITHOUT_WORDING)))
    assert without["variable"].tolist() == THEMES
