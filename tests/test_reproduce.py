"""The notebook runner: skips what the data cannot support, and does not redo unchanged work."""

import pytest

from analysis.casedata.load import synthetic_path
from analysis.pipeline.reproduce import (
    CACHE_FILE,
    chapter_notebooks,
    inputs_fingerprint,
    required_periods,
    run_all,
)

SCORECARD = next(p for p in chapter_notebooks() if p.name.startswith("08_"))
TWO_PERIODS = next(p for p in chapter_notebooks() if p.name.startswith("07_"))


def test_notebooks_declare_the_periods_they_need():
    assert required_periods(TWO_PERIODS) == ["2011-14", "2014-17"]
    assert required_periods(SCORECARD) == []


def test_a_notebook_needing_a_missing_period_is_skipped_with_the_reason(tmp_path):
    results = run_all([TWO_PERIODS], out_dir=tmp_path, periods=["2011-14"], progress=lambda m: 0)
    assert results[0].ok and "2014-17" in results[0].skipped


def test_fingerprint_changes_with_the_data(tmp_path):
    data = tmp_path / "cases.csv"
    data.write_bytes(synthetic_path("2011-14").read_bytes())
    before = inputs_fingerprint([data])
    assert before == inputs_fingerprint([data])
    data.write_bytes(data.read_bytes() + b"\n")
    assert before != inputs_fingerprint([data])


@pytest.mark.notebooks
def test_unchanged_notebook_and_inputs_are_not_executed_again(tmp_path, monkeypatch):
    monkeypatch.setenv("SCR_OUTPUT_DIR", str(tmp_path))
    out = tmp_path / "outputs" / "notebooks"
    messages = []
    first = run_all([SCORECARD], out_dir=out, fingerprint="a", progress=messages.append)
    assert first[0].ok and not first[0].cached and (out / CACHE_FILE).exists()
    again = run_all([SCORECARD], out_dir=out, fingerprint="a", progress=messages.append)
    assert again[0].cached and again[0].seconds == 0
    changed = run_all([SCORECARD], out_dir=out, fingerprint="b", progress=messages.append)
    assert changed[0].ok and not changed[0].cached
    assert any("[cached]" in m for m in messages)
