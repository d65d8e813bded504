"""``python -m analysis template`` and ``agreement`` (issue 15): every refusal is one line that
names the file and the problem, with exit code 2, never a traceback."""

from __future__ import annotations

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
