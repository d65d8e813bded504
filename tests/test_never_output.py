"""A local authority code (``la_code``, the codebook's ``never_output``) is accepted for linking to
public statistics but reaches no output: not the validation report (printed or written), not a
table, a figure, its data, alt text or source line (issue 22)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import check_file, load_cases
from analysis.casedata.load import synthetic_path
from analysis.cli import main
from analysis.publish.never_output import Withheld
from analysis.publish.run import DisclosureError, Run
from analysis.stats.tables import proportion_table

#: Real ONS codes (City of London, Leeds, Bristol): what a researcher's file would hold.
CODES = ["E09000001", "E08000035", "E06000023"]


@pytest.fixture
def own_file(tmp_path):
    """The 2011-14 synthetic cases as a researcher's own file (no record_origin), each review
    with a local authority code; one typed with a zero-width space (cleaned, with a note)."""
    frame = pd.read_csv(synthetic_path("2011-14"), dtype=str, keep_default_na=False)
    frame = frame.drop(columns=["record_origin", "la_code"], errors="ignore")
    review = pd.factorize(frame["review_id"].where(frame["review_id"] != "", frame["case_id"]))[0]
    frame["la_code"] = [CODES[r % len(CODES)] for r in review]
    frame.loc[0, "la_code"] = frame.loc[0, "la_code"] + "\u200b"
    path = tmp_path / "own.csv"
    frame.to_csv(path, index=False)
    return path


def _nowhere(text: str) -> None:
    for code in CODES:
        assert code not in text
        assert code[1:] not in text  # not even its digits


def test_the_validation_report_quotes_no_code(own_file, tmp_path, capsys):
    _, report = check_file(own_file)
    assert report.ok, report.to_text()
    notes = report.notes[report.notes["column"] == "la_code"]
    assert notes["rule"].tolist() == ["SCH009"]  # the zero-width space, named, not the value
    _nowhere(report.to_text() + "\n".join(report.note_texts(detail=True)))
    written = tmp_path / "problems.csv"
    assert main(["validate", str(own_file), "--all", "--output", str(written)]) == 0
    _nowhere(written.read_text(encoding="utf-8") + capsys.readouterr().out)


def test_a_run_accepts_the_column_and_writes_none_of_its_values(own_file, tmp_path, monkeypatch):
    from analysis.charts import bar_percent

    out = tmp_path / "run"
    monkeypatch.setenv("SCR_OUTPUT_DIR", str(out))
    cases = load_cases(own_file)
    assert set(cases["la_code"]) == set(CODES)  # kept, cleaned, for linking to public data
    run = Run(cases)
    assert run.protected

    by_sex = run.table(proportion_table(cases, "sex"), "by_sex")
    fig = bar_percent(by_sex, "label", "percent", title="Children by sex")
    run.figure(fig, "by_sex", data=by_sex, alt_text="A bar chart of children by sex.")
    assert (out / "outputs" / "by_sex.csv").exists() and (out / "figures" / "by_sex.png").exists()

    refusals = {
        "carries the column la_code": lambda: run.table(
            proportion_table(cases, "la_code"), "by_area"
        ),
        "its column area holds a value of la_code": lambda: run.table(
            proportion_table(cases, "sex").assign(area=CODES[0]), "by_sex_and_area"
        ),
        "its words quote a value of la_code": lambda: run.figure(
            bar_percent(by_sex, "label", "percent", title=f"Children in {CODES[1]}"),
            "titled",
            data=by_sex,
            alt_text="A bar chart.",
        ),
        "figure 'described': its words": lambda: run.figure(
            bar_percent(by_sex, "label", "percent", title="Children by sex"),
            "described",
            data=by_sex,
            alt_text=f"Most of the children of {CODES[2]} were boys.",
        ),
        "sentence 'not_drawn': its words": lambda: run.not_drawn(
            "not_drawn", f"too few children in {CODES[0]}"
        ),
    }
    for said, output in refusals.items():
        with pytest.raises(DisclosureError, match=said) as refused:
            output()
        _nowhere(str(refused.value))

    files = [p for p in out.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"by_sex.csv", "by_sex.png", "by_sex.alt.txt"}
    assert not any(
        p.stem.startswith(("by_area", "by_sex_and_area", "titled", "described")) for p in files
    )
    for path in files:
        _nowhere(path.read_bytes().decode("utf-8", errors="replace"))


def test_withheld_values_are_matched_whole_where_they_have_no_pattern():
    # a frame that was never validated: a stray value is matched as a whole cell only
    cases = pd.DataFrame({"la_code": ["E09000001", "7", None]})
    withheld = Withheld.of(cases)
    assert withheld.problem("t", pd.DataFrame({"x": ["17", "a 7 b"]})) is None
    assert "column x" in withheld.problem("t", pd.DataFrame({"x": ["7"]}))
    assert withheld.problem("t", None, ["In E09000001."]).startswith("t: its words quote")
    assert (
        Withheld.of(pd.DataFrame({"sex": ["male"]})).problem("t", pd.DataFrame({"x": ["7"]}))
        is None
    )
