"""Teaching checks: right answers pass, anything else gets a hint; the notebooks run."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
import yaml
from nbclient import NotebookClient

from analysis.charts import bar_percent
from analysis.paths import NOTEBOOKS_DIR
from analysis.publish.disclosure import protect
from analysis.publish.run import Run
from analysis.stats.tables import involvement_now_vs_ever, proportion_table
from analysis.teaching import (
    QUESTIONS,
    TOLERANCE_POINTS,
    TeachingDataError,
    check_alt_text,
    check_choice,
    check_denominator,
    check_figure,
    check_figure_data,
    check_interval,
    check_interval_width,
    check_involvement,
    check_one_child,
    check_recovered,
    check_secondary,
    check_title,
    display_counts,
    interval_widths,
    recode_one_child,
    require_synthetic,
    teaching_cases,
)
from analysis.teaching.questions import FIELDS, QUESTIONS_FILE, load_questions

TEACHING_DIR = NOTEBOOKS_DIR / "teaching"
EXERCISES = sorted(TEACHING_DIR.glob("[0-9][0-9]_*.ipynb"))
SOLUTIONS = TEACHING_DIR / "solutions.ipynb"


@pytest.fixture(scope="module")
def cases():
    return teaching_cases(period="2011-14")


def _row(cases, age_band, measure):
    table = involvement_now_vs_ever(cases, by="age_band")
    return table[(table["age_band"] == age_band) & (table["measure"] == measure)].iloc[0]


def _ever_by_age(cases):
    table = involvement_now_vs_ever(cases, by="age_band")
    return table[table["measure"] == "ever"]


def _alt_text(cases):
    values = "; ".join(
        f"{r.age_band_label} {r.percent:.0f}%" for r in _ever_by_age(cases).itertuples()
    )
    return f"Horizontal bar chart of the share ever involved with social care by age: {values}."


def _width(row):
    return row["ci_high_percent"] - row["ci_low_percent"]


def _hidden(table, age_band):
    rows = table[(table["age_band"] == age_band) & (table["count_marker"] == "c")]
    return set(rows["csc_ever_involved"])


def _secondary_code(cases):
    table = proportion_table(cases, "csc_ever_involved", by="age_band")
    full = _hidden(protect(table), "under_1")
    return sorted(full - _hidden(protect(table, secondary=False), "under_1"))[0]


# Each: (check, right answer from the library, wrong answer, wrong type). Answers are computed
# here independently of analysis.teaching, from the library's tables.
CHECKS = {
    "denominator": (
        lambda a, c: check_denominator(a, c, age_band="11_15"),
        lambda c: int(_row(c, "11_15", "now")["denominator_count"]),
        lambda c: int(_row(c, "11_15", "now")["denominator_count"]) + 1,
        "forty-three",
    ),
    "involvement_now": (
        lambda a, c: check_involvement(a, c, age_band="11_15", measure="now"),
        lambda c: _row(c, "11_15", "now")["percent"],
        lambda c: _row(c, "11_15", "now")["percent"] + 2,
        [1, 2],
    ),
    "involvement_ever": (
        lambda a, c: check_involvement(a, c, age_band="11_15", measure="ever"),
        lambda c: round(_row(c, "11_15", "ever")["percent"]),  # rounded: within tolerance
        lambda c: _row(c, "11_15", "now")["percent"],  # the other measure
        "72%",
    ),
    "interval": (
        lambda a, c: check_interval(a, c, age_band="11_15"),
        lambda c: tuple(_row(c, "11_15", "now")[["ci_low_percent", "ci_high_percent"]]),
        lambda c: tuple(_row(c, "11_15", "ever")[["ci_low_percent", "ci_high_percent"]]),
        46.5,
    ),
    "choice": (
        lambda a, c: check_choice("interval_meaning", a),
        lambda c: QUESTIONS["interval_meaning"].right,
        lambda c: next(k for k in "abc" if k != QUESTIONS["interval_meaning"].right),
        3,
    ),
    "figure_data": (
        check_figure_data,
        _ever_by_age,
        lambda c: involvement_now_vs_ever(c, by="age_band"),  # all three measures
        [1, 2, 3],
    ),
    "title": (
        lambda a, c: check_title(a),
        lambda c: "16- and 17-year-olds had most often been known to social care",
        lambda c: "Bar chart of involvement by age band",
        42,
    ),
    "alt_text": (
        check_alt_text,
        _alt_text,
        lambda c: "A bar chart of involvement with social care by age, with intervals shown.",
        {"text": "bar"},
    ),
    "width_small": (
        lambda a, c: check_interval_width(a, c, age_band="6_10"),
        lambda c: _width(_row(c, "6_10", "now")),
        lambda c: _row(c, "6_10", "now")["percent"],
        (1, 2),
    ),
    "width_all": (
        lambda a, c: check_interval_width(a, c, age_band=None),
        lambda c: _width(involvement_now_vs_ever(c).set_index("measure").loc["now"]),
        lambda c: _width(_row(c, "6_10", "now")),
        "wide",
    ),
    "one_child": (
        lambda a, c: check_one_child(a, c, age_band="6_10"),
        lambda c: 100 / _row(c, "6_10", "now")["denominator_count"],
        lambda c: 1.0,
        True,
    ),
    "recovered": (
        lambda a, c: check_recovered(a, c, age_band="under_1"),
        lambda c: int(
            proportion_table(c, "csc_ever_involved", by="age_band")
            .query("age_band == 'under_1' and csc_ever_involved == 'not_recorded'")["count"]
            .item()
        ),
        lambda c: 0,
        "two",
    ),
    "secondary": (
        lambda a, c: check_secondary(a, c, age_band="under_1"),
        _secondary_code,
        lambda c: "not_recorded",  # the primary cell itself
        7,
    ),
}


@pytest.mark.parametrize("name", CHECKS)
def test_check_accepts_the_right_answer(name, cases, capsys):
    check, right, _, _ = CHECKS[name]
    assert check(right(cases), cases) is True
    assert capsys.readouterr().out.startswith("Well done:")


@pytest.mark.parametrize("name", CHECKS)
@pytest.mark.parametrize("kind", ["wrong", "none", "ellipsis", "wrong_type"])
def test_check_refuses_anything_else_with_a_hint_and_never_raises(name, kind, cases, capsys):
    check, _, wrong, wrong_type = CHECKS[name]
    answer = {"wrong": wrong(cases), "none": None, "ellipsis": ..., "wrong_type": wrong_type}[kind]
    assert check(answer, cases) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet:")
    assert len(out) > len("Not yet: ") + 20, "a hint, not just a verdict"
    assert "Traceback" not in out


@pytest.mark.parametrize("question_id", QUESTIONS)
def test_every_question_has_its_right_letter_among_the_options(question_id, capsys):
    question = QUESTIONS[question_id]
    assert question.right in question.options
    assert check_choice(question_id, f" ({question.right.upper()}) ") is True
    assert check_choice(question_id, "z") is False
    assert "Not yet:" in capsys.readouterr().out


def test_question_bank_loads_and_every_question_is_complete():
    raw = yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))
    assert list(load_questions()) == list(raw) == list(QUESTIONS)
    for question_id, entry in raw.items():
        assert list(entry) == list(FIELDS), question_id
        for field in ("prompt", "why", "hint"):
            assert isinstance(entry[field], str) and entry[field].strip(), (question_id, field)
        options = entry["options"]
        assert len(options) >= 2, question_id
        assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in options.items())
        # Exactly one right answer: one letter, among the options.
        assert isinstance(entry["right"], str) and entry["right"] in options, question_id


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"right": "d"}, "right 'd' is not one of the options"),
        ({"right": ["a", "b"]}, "is not one of the options"),
        ({"options": {"a": "Only one."}}, "at least two"),
        ({"options": {True: "Yes.", "b": "No."}}, "needs a text letter"),
        ({"why": None}, "why must be text"),
        ({"hint": None, "extra": "x"}, "unknown field 'extra'"),
    ],
)
def test_an_incomplete_question_is_refused_by_name(change, problem, tmp_path):
    entry = {"prompt": "Which?", "options": {"a": "This.", "b": "That."}, "right": "a"}
    entry |= {"why": "because.", "hint": "think.", **change}
    path = tmp_path / "questions.yaml"
    path.write_text(yaml.safe_dump({"q1": entry}), encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape("q1: ") + ".*" + re.escape(problem)):
        load_questions(path)


def test_percent_given_as_a_proportion_gets_a_specific_hint(cases, capsys):
    fraction = _row(cases, "11_15", "now")["percent"] / 100
    assert check_involvement(fraction, cases, age_band="11_15") is False
    assert "proportion" in capsys.readouterr().out


def test_tolerance_is_half_a_point(cases):
    exact = _row(cases, "11_15", "now")["percent"]
    assert check_involvement(exact + 0.49, cases, age_band="11_15")
    assert not check_involvement(exact + 0.51, cases, age_band="11_15")
    assert TOLERANCE_POINTS == 0.5


def test_an_answer_as_a_one_element_series_is_read(cases):
    table = involvement_now_vs_ever(cases, by="age_band")
    answer = table.loc[(table["age_band"] == "11_15") & (table["measure"] == "now"), "percent"]
    assert check_involvement(answer, cases, age_band="11_15")


def test_an_unexpected_error_becomes_not_yet(cases, capsys):
    assert check_involvement(40, cases, age_band="no_such_band") is False
    assert capsys.readouterr().out.startswith("Not yet: I could not check")


def test_check_figure_wants_it_saved_through_run_with_prefix_and_stamp(
    cases, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("SCR_OUTPUT_DIR", str(tmp_path))
    run = Run(cases)
    data = _ever_by_age(cases)

    def draw(**kwargs):
        return bar_percent(data, "age_band_label", "percent", title="Title", **kwargs)

    assert check_figure(draw(low="ci_low_percent", high="ci_high_percent")) is False
    assert "not saved" in capsys.readouterr().out
    unprefixed = run.figure(
        draw(low="ci_low_percent", high="ci_high_percent"), "x_02", data=data, alt_text="a"
    )
    assert check_figure(unprefixed) is False
    no_intervals = run.figure(draw(), "teaching_test_a", data=data, alt_text="a")
    assert check_figure(no_intervals) is False
    assert "intervals" in capsys.readouterr().out
    good = run.figure(
        draw(low="ci_low_percent", high="ci_high_percent"),
        "teaching_test_b",
        data=data,
        alt_text="a",
    )
    assert check_figure(good) is True
    assert "SYNTHETIC DATA" in capsys.readouterr().out
    assert (tmp_path / "figures" / "teaching_test_b.png").exists()


def test_check_figure_accepts_a_seaborn_chart_with_errorbars(cases, tmp_path, monkeypatch):
    # exercise 2 teaches seaborn bars with the table's Wilson intervals drawn by ax.errorbar
    import seaborn as sns

    from analysis.charts import PALETTE, house_theme, new_figure

    monkeypatch.setenv("SCR_OUTPUT_DIR", str(tmp_path))
    run, data = Run(cases), _ever_by_age(cases)

    def draw(intervals: bool):
        house_theme()
        fig, ax = new_figure("Title", "Subtitle")
        sns.barplot(data=data, x="percent", y="age_band_label", color=PALETTE[1], ax=ax)
        if intervals:
            low = data["percent"] - data["ci_low_percent"]
            high = data["ci_high_percent"] - data["percent"]
            ax.errorbar(data["percent"], range(len(data)), xerr=[low, high], fmt="none")
        return fig

    bare = run.figure(draw(False), "teaching_sns_a", data=data, alt_text="a")
    assert check_figure(bare) is False
    drawn = run.figure(draw(True), "teaching_sns_b", data=data, alt_text="a")
    assert check_figure(drawn) is True


def test_teaching_never_loads_real_data_even_when_scr_data_points_at_it(
    valid_frame, write_csv, monkeypatch, capsys
):
    real = valid_frame.assign(record_origin="coded_from_review")
    monkeypatch.setenv("SCR_DATA", str(write_csv(real, "real_cases.csv")))
    cases = teaching_cases(period="2011-14")
    assert cases.attrs["synthetic"] and len(cases) > len(real)
    assert "ignore" in capsys.readouterr().out


def test_teaching_cases_refuses_an_unknown_period():
    with pytest.raises(ValueError, match="2011-14, 2014-17"):
        teaching_cases(period="1999-02")


def test_real_data_is_refused_with_a_plain_message(valid_frame, write_csv):
    from analysis import load_cases

    real = load_cases(write_csv(valid_frame.assign(record_origin="coded_from_review")))
    with pytest.raises(TeachingDataError, match="SYNTHETIC"):
        require_synthetic(real)
    with pytest.raises(TeachingDataError):
        recode_one_child(real, age_band="under_1")


def test_recode_one_child_changes_exactly_one_row(cases):
    recoded = recode_one_child(cases, age_band="6_10")
    same = recoded.astype(object).fillna("") == cases.astype(object).fillna("")
    changed = ~same.all(axis=1)
    assert changed.sum() == 1
    assert recoded.loc[changed, "case_id"].item() == recoded.attrs["recoded_case_id"]
    assert recoded.loc[changed, "age_band"].item() == "6_10"
    before, after = _row(cases, "6_10", "now"), _row(recoded, "6_10", "now")
    assert after["count"] == before["count"] + 1


def test_interval_width_halves_with_four_times_the_children():
    widths = interval_widths(36, children=[100, 400, 1600])["width_points"].to_numpy()
    assert np.allclose(widths[1:] / widths[:-1], 0.5, atol=0.02)


def test_display_counts_shows_markers_and_totals(cases):
    table = proportion_table(cases, "csc_ever_involved", by="age_band")
    shown = display_counts(protect(table, partition_by=["age_band"]), "csc_ever_involved")
    assert list(shown.columns)[-1] == "Total"
    assert shown.loc["Under 1", "Not recorded"] == "c"
    assert shown.loc["Under 1", "Total"] == str(_row(cases, "under_1", "now")["denominator_count"])
    assert list(shown.index) == list(dict.fromkeys(table["age_band_label"]))


# ------------------------------------------------------------------------------------------
# The notebooks
# ------------------------------------------------------------------------------------------

CHECK_CALL = re.compile(r"^check_\w+\(", re.MULTILINE)


def _execute(path: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    ).execute()
    return nb


def _check_cells(nb) -> list[tuple[int, str]]:
    """(number of checks called, text printed) for every cell that calls a check."""
    out = []
    for cell in nb.cells:
        if cell.cell_type == "code" and CHECK_CALL.search(cell.source):
            text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
            out.append((len(CHECK_CALL.findall(cell.source)), text))
    return out


def test_there_are_three_exercises_and_solutions():
    assert len(EXERCISES) >= 3
    assert SOLUTIONS.exists()


@pytest.mark.notebooks
def test_solutions_execute_and_every_check_says_well_done(tmp_path, monkeypatch):
    monkeypatch.setenv("SCR_OUTPUT_DIR", str(tmp_path))
    monkeypatch.delenv("SCR_DATA", raising=False)
    nb = _execute(SOLUTIONS)
    checks = _check_cells(nb)
    assert len(checks) >= 15
    for calls, text in checks:
        assert text.count("Well done:") == calls, text
        assert "Not yet" not in text, text
    written = sorted(p.name for p in (tmp_path / "figures").iterdir())
    assert written and all(name.startswith("teaching_") for name in written)
    assert not (tmp_path / "outputs").exists(), "teaching writes no tables"


@pytest.mark.notebooks
@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.stem)
def test_exercise_runs_with_blanks_and_every_check_says_not_yet(path, tmp_path, monkeypatch):
    monkeypatch.setenv("SCR_OUTPUT_DIR", str(tmp_path))
    monkeypatch.delenv("SCR_DATA", raising=False)
    nb = _execute(path)  # raises CellExecutionError if any cell fails
    checks = _check_cells(nb)
    assert len(checks) >= 3
    for calls, text in checks:
        assert text.count("Not yet:") == calls, text
        assert "Well done" not in text, text
    assert not any(tmp_path.rglob("*.*")), "a blank exercise writes no files"


@pytest.mark.parametrize("path", [*EXERCISES, SOLUTIONS], ids=lambda p: p.stem)
def test_teaching_notebooks_load_only_synthetic_cases(path):
    source = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
    assert "teaching_cases(" in source
    assert "load_cases(" not in source


def test_repo_hygiene_covers_teaching_notebooks():
    path = Path(__file__).with_name("test_repo_hygiene.py")
    spec = importlib.util.spec_from_file_location("_hygiene", path)
    hygiene = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hygiene)
    covered = hygiene._notebooks()
    assert SOLUTIONS in covered
    assert all(p in covered for p in EXERCISES)


def test_answer_cells_are_blank_in_exercises():
    for path in EXERCISES:
        cells = nbformat.read(path, as_version=4).cells
        typed = [c.source for c in cells if c.source.startswith("%%answer")]
        code = [c.source for c in cells if c.source.startswith("# Your answer")]
        assert typed or code, path.name
        for source in typed:  # what a trainee types there is text: no SyntaxError possible
            assert re.fullmatch(r"%%answer \w+\nNone", source), source
        for source in code:
            assert re.search(r"^\w+ = None$", source, re.MULTILINE), source


@pytest.mark.parametrize(
    ("name", "typed"),
    [
        ("denominator", lambda c: f"{int(_row(c, '11_15', 'now')['denominator_count'])} children"),
        ("involvement_now", lambda c: f"{_row(c, '11_15', 'now')['percent']:.1f}%"),
        ("involvement_ever", lambda c: f" {round(_row(c, '11_15', 'ever')['percent'])} % "),
        (
            "interval",
            lambda c: "({:.1f}, {:.1f})".format(
                *_row(c, "11_15", "now")[["ci_low_percent", "ci_high_percent"]]
            ),
        ),
        (
            "interval",
            lambda c: "{:.1f} to {:.1f}".format(
                *_row(c, "11_15", "now")[["ci_low_percent", "ci_high_percent"]]
            ),
        ),
        ("choice", lambda c: f"'{QUESTIONS['interval_meaning'].right}'"),
        ("secondary", lambda c: f'"{_secondary_code(c)}"'),
    ],
)
def test_a_right_answer_typed_as_people_type_it_is_accepted(name, typed, cases, capsys):
    check = CHECKS[name][0]
    assert check(typed(cases), cases) is True, capsys.readouterr().out


@pytest.mark.parametrize("typed", ["43 children 12", "forty", "47%%", "None", "", "(1, 2, 3)"])
def test_anything_typed_is_feedback_never_a_traceback(typed, cases, capsys):
    for check, *_ in CHECKS.values():
        assert check(typed, cases) in (True, False)
    out = capsys.readouterr().out
    assert "Traceback" not in out and "Error" not in out.replace("error", "")


def test_the_answer_magic_stores_text_under_its_name():
    from analysis.teaching.answers import store_answer

    namespace = {}
    store_answer(namespace, "answer_n", "  43 children \n")
    store_answer(namespace, "answer_why", "None")
    assert namespace == {"answer_n": "43 children", "answer_why": None}


def test_a_title_must_state_a_finding(capsys):
    assert check_title("Involvement with social care by age band of the child") is False
    assert "states no finding" in capsys.readouterr().out
    assert check_title("Involvement with social care by age, 2011-14") is False  # a period
    assert check_title("Involvement with social care over time by age") is False
    assert check_title("Older children had more often been known to social care") is True
    assert check_title("Two in three 16-17 year olds had been known to social care") is True
