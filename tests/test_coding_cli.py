"""``python -m analysis template`` and ``agreement`` (issue 15): every refusal is one line that
names the file and the problem, with exit code 2, never a traceback."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.cli import main


def _one_line(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err, err
    return err


@pytest.mark.parametrize(
    ("name", "options", "says"),
    [
        ("coding.xlsx", [], "coding workbook"),
        ("labels.sps", [], "SPSS syntax file"),
        ("labels.do", [], "Stata do-file"),
        ("labels.do", ["--format", "do"], "Stata do-file"),
    ],
)
def test_template_writes_the_format_the_name_or_option_asks_for(
    name, options, says, tmp_path, capsys
):
    out = tmp_path / name
    assert main(["template", "--period", "2014-17", "--out", str(out), *options]) == 0
    assert f"the {says} of the 2014-17 codebook" in capsys.readouterr().out
    head = out.read_bytes()[:4]
    assert (head == b"PK\x03\x04") is name.endswith(".xlsx")


def test_template_never_replaces_a_file_unless_forced(tmp_path, capsys):
    out = tmp_path / "coding.xlsx"
    out.write_text("a coder's work")
    assert main(["template", "--out", str(out)]) == 2
    assert _one_line(capsys) == (
        f"{out}: exists already, and may hold coding; give another --out, or add --force "
        "(make: FORCE=1) to replace it"
    )
    assert out.read_text() == "a coder's work"
    assert main(["template", "--out", str(out), "--force"]) == 0
    assert out.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (
            ["--period", "2011-15"],
            "unknown review period '2011-15'; choose one of 2011-14, 2014-17",
        ),
        (["--out", "{tmp}/coding.xls"], "{tmp}/coding.xls: the file name should end in .xlsx"),
        (["--out", "{tmp}/labels.sps", "--format", "do"], "should end in .do for a Stata do-file"),
        (["--out", "{tmp}"], "{tmp}: this is a folder; give --out a file name"),
        (["--out", "/proc/no/coding.xlsx"], "/proc/no/coding.xlsx: could not write it"),
    ],
)
def test_template_refuses_a_bad_request_in_one_line(arguments, says, tmp_path, capsys):
    arguments = [a.format(tmp=tmp_path) for a in arguments]
    assert main(["template", *arguments]) == 2
    assert says.format(tmp=tmp_path) in _one_line(capsys)
    assert list(tmp_path.iterdir()) == []


# --- agreement -----------------------------------------------------------------------------------
@pytest.fixture
def two_coders(valid_frame, tmp_path):
    """The example cases twice: coder B differs in one sex and lacks the last case."""
    a = valid_frame
    b = valid_frame.copy().iloc[:-1]
    b.loc[b["case_id"] == "EX002", "sex"] = "male"  # female in A
    paths = tmp_path / "coder_a.csv", tmp_path / "coder_b.csv"
    a.to_csv(paths[0], index=False)
    b.to_csv(paths[1], index=False)
    return paths


def test_agreement_prints_the_table_and_writes_the_csv_saying_it_is_not_for_publication(
    two_coders, tmp_path, capsys
):
    out = tmp_path / "agreement.csv"
    assert main(["agreement", *map(str, two_coders), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "For the coding team, not for publication" in printed
    assert "Only in coder A's file (1): EX010" in printed
    assert "sex: female -> male: 1 (EX002)" in printed
    assert f"Written to {out}" in printed
    written = out.read_text(encoding="utf-8")
    assert written.startswith("# For the coding team, not for publication")
    table = pd.read_csv(out, comment="#").set_index("variable")
    assert table.loc["sex", ["compared_count", "agree_count"]].tolist() == [9, 8]
    assert table.loc["sex", "disagreements"] == "female -> male: 1 (EX002)"
    assert table.loc["outcome", "kappa"] == 1.0


def _write(tmp_path, name: str, frame: pd.DataFrame):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    ("make_b", "says"),
    [
        (lambda tmp, v: tmp / "nowhere.csv", "nowhere.csv: cannot read this file: no such file"),
        (
            lambda tmp, v: _touch(tmp / "empty.csv"),
            "empty.csv: cannot read this file: the file is empty",
        ),
        (
            lambda tmp, v: _write(tmp, "no_id.csv", v.drop(columns="case_id")),
            "no_id.csv: has no case_id column, so its cases cannot be matched",
        ),
        (
            lambda tmp, v: _write(tmp, "invalid.csv", v.assign(outcome="dead")),
            "invalid.csv: 10 problem(s) against the codebook, so its codes cannot be compared "
            "(first: row 2, column outcome: not a code of outcome",
        ),
        (
            lambda tmp, v: _write(tmp, "later.csv", v[v["review_period"] == "2014-17"]),
            "later.csv: its cases are of review period 2014-17 and those of",
        ),
        (
            lambda tmp, v: _write(tmp, "others.csv", v.assign(case_id=v["case_id"] + "-B")),
            "others.csv: no case_id of it is in",
        ),
    ],
    ids=["missing", "empty", "no case_id", "invalid", "other period", "no case in common"],
)
def test_agreement_refuses_a_file_it_cannot_compare_in_one_line(
    make_b, says, valid_frame, tmp_path, capsys
):
    early = valid_frame[valid_frame["review_period"] == "2011-14"]
    a = _write(tmp_path, "coder_a.csv", early if "2014-17" in says else valid_frame)
    b = make_b(tmp_path, valid_frame)
    assert main(["agreement", str(a), str(b)]) == 2
    err = _one_line(capsys)
    assert says in err
    assert err.startswith(str(b))


def _touch(path):
    path.write_bytes(b"")
    return path


def test_agreement_names_coder_a_when_coder_as_file_is_the_bad_one(two_coders, tmp_path, capsys):
    missing = tmp_path / "gone.xlsx"
    assert main(["agreement", str(missing), str(two_coders[1])]) == 2
    assert _one_line(capsys).startswith(f"{missing}: cannot read this file")


def test_make_passes_coders_and_out_through_the_environment(two_coders, tmp_path):
    """File names with a backtick, $(...) or quotes run nothing and reach Python whole."""
    import shutil
    import subprocess

    from analysis.paths import ROOT

    if shutil.which("make") is None or not (ROOT / ".venv" / ".installed").exists():
        pytest.skip("needs make and the project's .venv")
    marker = ROOT / "PWNED_BY_A_FILE_NAME"
    odd = f'`touch {marker.name}` $(touch {marker.name}) "q"'
    a = tmp_path / f"{odd} a.csv"
    a.write_bytes(two_coders[0].read_bytes())
    out = tmp_path / f"{odd} out.xlsx"
    made = subprocess.run(
        ["make", "--no-print-directory", "template", f"OUT={out}", "PERIOD=2014-17"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    compared = subprocess.run(
        ["make", "--no-print-directory", "agreement", f"A={a}", f"B={two_coders[1]}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    ran = marker.exists()
    marker.unlink(missing_ok=True)
    assert made.returncode == 0 and out.exists(), made.stdout + made.stderr
    assert compared.returncode == 0 and "sex: female -> male" in compared.stdout
    assert not ran


def test_agreement_never_writes_over_a_coders_file_or_an_existing_table(
    two_coders, tmp_path, capsys
):
    a, b = map(str, two_coders)
    before = two_coders[0].read_bytes()
    assert main(["agreement", a, b, "--out", a]) == 2
    assert "a coder's file" in _one_line(capsys) and two_coders[0].read_bytes() == before
    assert main(["agreement", a, b, "--out", str(tmp_path / "table.xlsx")]) == 2
    assert "ending .csv" in _one_line(capsys)
    out = tmp_path / "table.csv"
    out.write_text("kept")
    assert main(["agreement", a, b, "--out", str(out)]) == 2
    assert "--force" in _one_line(capsys) and out.read_text() == "kept"
    assert main(["agreement", a, b, "--out", str(out), "--force"]) == 0
    assert out.read_text(encoding="utf-8").startswith("# For the coding team")
