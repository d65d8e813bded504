"""The coding room's commands: ``python -m analysis template`` and ``python -m analysis agreement``.

:mod:`analysis.cli` adds them to its parser; nothing here is imported until a command runs, so
``--help`` stays fast. A user's mistake (an unknown period, a file that exists already, a format
the file name contradicts) is told in one line, naming the file, with exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.paths import CODING_DIR, user_path

EXIT_OK, EXIT_REFUSED = 0, 2
#: The file each format is written to when no --out is given (in the ignored coding/ folder).
DEFAULT_NAMES = {
    "xlsx": "coding_workbook_{period}.xlsx",
    "sps": "scr_labels_{period}.sps",
    "do": "scr_labels_{period}.do",
}
_WHAT = {"xlsx": "coding workbook", "sps": "SPSS syntax file", "do": "Stata do-file"}


def add_template_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--period", default="2011-14", help="review period of the codebook (default 2011-14)"
    )
    parser.add_argument(
        "--format",
        choices=sorted(DEFAULT_NAMES),
        help="xlsx: the coding workbook; sps: SPSS label syntax; do: Stata label do-file "
        "(default: told from --out's extension, else xlsx)",
    )
    parser.add_argument(
        "--out",
        metavar="FILE",
        help="file to write (default: coding/coding_workbook_PERIOD.xlsx, or "
        "coding/scr_labels_PERIOD.sps|do)",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace FILE if it exists (it may hold coding)"
    )


def _refuse(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_REFUSED


def _format(args: argparse.Namespace) -> tuple[str, str]:
    """The format to write, and what is wrong with the request ("" if nothing).

    The format asked for, else the one --out's extension names, else the workbook; a file name
    whose extension says another format (or none the kit writes) is refused, so that a
    workbook is never written under a name Excel or the loader would not open.
    """
    told = Path(args.out).suffix.lower().lstrip(".") if args.out else ""
    fmt = args.format or (told if args.out else "xlsx")
    if args.out and (told != fmt or fmt not in DEFAULT_NAMES):
        ends = " or ".join(f".{f} ({_WHAT[f]})" for f in DEFAULT_NAMES)
        wanted = f".{fmt} for a {_WHAT[fmt]}" if fmt in _WHAT else ends
        return fmt, f"{args.out}: the file name should end in {wanted}"
    return fmt, ""


def run_template(args: argparse.Namespace) -> int:
    """Write the coding workbook, or a label file, of a review period."""
    from analysis.casedata.codebook import PERIODS

    if args.period not in PERIODS:
        return _refuse(f"unknown review period {args.period!r}; choose one of {', '.join(PERIODS)}")
    if args.out and user_path(args.out).is_dir():
        return _refuse(f"{user_path(args.out)}: this is a folder; give --out a file name")
    fmt, problem = _format(args)
    if problem:
        return _refuse(problem)
    path = (
        user_path(args.out)
        if args.out
        else CODING_DIR / DEFAULT_NAMES[fmt].format(period=args.period)
    )
    if path.exists() and not args.force:
        held = ", and may hold coding" if fmt == "xlsx" else ""
        return _refuse(
            f"{path}: exists already{held}; give another --out, or add --force "
            "(make: FORCE=1) to replace it"
        )
    try:
        if fmt == "xlsx":
            from analysis.coding.template import write_template

            write_template(args.period, path)
        else:
            from analysis.coding.labels_syntax import write_labels

            write_labels(args.period, fmt, path)
    except OSError as exc:  # an unwritable folder, a full disk: name the file asked for
        return _refuse(f"{path}: could not write it: {exc.strerror or exc}")
    print(f"wrote {path}: the {_WHAT[fmt]} of the {args.period} codebook")
    print("How to code, check and keep the file safe: docs/coding.md")
    return EXIT_OK


def add_agreement_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("coder_a", metavar="CODER_A", help="the first coder's case file")
    parser.add_argument(
        "coder_b", metavar="CODER_B", help="the second coder's file of the same reviews"
    )
    parser.add_argument(
        "--out", metavar="FILE.csv", help="also write the table to this CSV (for the coding team)"
    )
    parser.add_argument(
        "--sheet", metavar="NAME", help="Excel workbooks: the sheet of cases to read in both"
    )
    parser.add_argument(
        "--force", action="store_true", help="replace --out if it exists (never a coder's file)"
    )


def run_agreement(args: argparse.Namespace) -> int:
    """Compare two coders' files; print the table and, with --out, write it as CSV."""
    from analysis.coding.agreement import agreement, text
    from analysis.coding.agreement_report import to_text, write_csv

    if not args.coder_a.strip() or not args.coder_b.strip():
        return _refuse(
            "Name both coders' files: python -m analysis agreement CODER_A CODER_B "
            "(make agreement A=file B=file)."
        )
    out = user_path(args.out) if args.out else None
    if out is not None and out.is_dir():
        return _refuse(f"{out}: this is a folder; give --out a file name")
    if out is not None and out.suffix.lower() != ".csv":
        return _refuse(f"{out}: the table is written as CSV; give --out a name ending .csv")
    inputs = {user_path(args.coder_a).resolve(), user_path(args.coder_b).resolve()}
    if out is not None and out.resolve() in inputs:
        return _refuse(f"{out}: this is a coder's file; give --out another name")
    if out is not None and out.exists() and not args.force:
        return _refuse(
            f"{out}: exists already; give another --out, or add --force (make: FORCE=1) to "
            "replace it"
        )
    result = agreement(user_path(args.coder_a), user_path(args.coder_b), sheet=args.sheet)
    print(to_text(result), end="")
    if out is not None:
        try:
            write_csv(result, out)
        except OSError as exc:
            return _refuse(f"{out}: could not write it: {exc.strerror or exc}")
        print(text()["text"]["written"].format(path=out))
    return EXIT_OK
