"""Only checked files leave (issue 20, part 5): the report of a run on own data is built only
from the files its checking record lists, unchanged since, and is then listed there itself."""

from __future__ import annotations

import json
import stat

import pytest

from analysis.files import file_sha256
from analysis.publish.workbook import write_workbook
from analysis.site.build import ReportError, build_report
from analysis.site.command import main


@pytest.fixture
def run(own_run):
    """A checked run on own data (runs/my_cases/, overall "review": chapter 6's SVG)."""
    code, runs = own_run()
    assert code == 0
    return runs / "my_cases"


def _record(run) -> dict:
    return json.loads((run / "checking" / "results.json").read_text(encoding="utf-8"))


def test_a_file_the_record_does_not_list_stops_the_report(run):
    # e.g. an agreement table with case ids, written into the run's folder by hand
    (run / "outputs" / "agreement.csv").write_text("case_id,coder_a\nSCR-001,yes\n")
    with pytest.raises(ReportError, match=r"outputs/agreement.csv \(not in the checking record"):
        build_report(run)
    assert not (run / "report").exists()


def test_a_table_changed_since_checking_stops_the_report(run, capsys):
    table = run / "outputs" / "01_children.csv"
    table.write_text(table.read_text().replace(",6,", ",3,"))
    assert main(["--run", str(run)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("report not built:") and err.count("\n") == 1  # one line
    assert "outputs/01_children.csv (changed since it was checked)" in err
    assert "make reproduce DATA=" in err and "remove them" in err


def test_a_record_that_failed_stops_the_report(run):
    path = run / "checking" / "results.json"
    record = _record(run) | {"overall": "fail"}
    path.write_text(json.dumps(record))
    with pytest.raises(ReportError, match="failed output checking"):
        build_report(run)


def test_a_clean_run_gives_a_report_listed_in_its_record(run, capsys):
    before = _record(run)
    assert main(["--run", str(run)]) == 0
    assert "Left out 1 file(s)" in capsys.readouterr().out  # the SVG, marked for review
    report = run / "report"
    record = _record(run)
    listed = {e["file"]: e for e in record["outputs"] if e["kind"] == "report"}
    written = {f"report/{p.relative_to(report).as_posix()}": p for p in report.rglob("*")}
    written = {k: p for k, p in written.items() if p.is_file()}
    assert set(listed) == set(written) and "report/index.html" in listed
    for name, path in written.items():
        assert listed[name]["sha256"] == file_sha256(path) and listed[name]["status"] == "pass"
        # written as the run's outputs are (one writer for both)
        table = run / "outputs" / "01_children.csv"
        assert stat.S_IMODE(path.stat().st_mode) == stat.S_IMODE(table.stat().st_mode), name
    # the rest of the record is as it was
    others = [e for e in record["outputs"] if e["kind"] != "report"]
    assert others == before["outputs"]
    assert {k: v for k, v in record.items() if k != "outputs"} == {
        k: v for k, v in before.items() if k != "outputs"
    }
    assert "report/index.html" in (run / "checking" / "summary.md").read_text()
    # only what passed went in: the SVG marked for review did not
    assert not (report / "figures" / "06_context.svg").exists()
    assert (report / "figures" / "06_context.png").exists()
    manifest = json.loads((report / "manifest.json").read_text())
    assert manifest["left_out_for_review"] == ["figures/06_context.svg"]


def test_review_files_go_in_only_when_asked_and_a_rebuild_replaces_the_listing(run):
    build_report(run)
    build_report(run, include_review=True)
    assert (run / "report" / "figures" / "06_context.svg").exists()
    listed = [e["file"] for e in _record(run)["outputs"] if e["kind"] == "report"]
    assert len(listed) == len(set(listed))  # the first build's entries were replaced
    assert "report/figures/06_context.svg" in listed


def test_a_report_elsewhere_is_listed_by_its_folder_name_only(run, tmp_path):
    build_report(run, tmp_path / "elsewhere" / "site")
    entries = [e for e in _record(run)["outputs"] if e["kind"] == "report"]
    assert entries and all(e["file"].startswith("site/") for e in entries)
    assert str(tmp_path) not in (run / "checking" / "results.json").read_text()


def test_no_workbook_is_written_into_a_checked_run_afterwards(run):
    with pytest.raises(ValueError, match="has been checked"):
        write_workbook(run, "my_cases", synthetic=False, protected=True)
