"""``python -m analysis report``: build the static HTML report of a run from the command line."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from analysis.paths import DATASET_NAME_ENV_VAR, data_override, runs_dir, user_path


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The options of ``python -m analysis report`` (for :mod:`analysis.cli`)."""
    parser.add_argument(
        "--data",
        type=Path,
        metavar="FILE",
        help="the case file a run was made from: report on its run (runs/<dataset>/)",
    )
    parser.add_argument(
        "--run",
        type=Path,
        metavar="DIR",
        help="the run folder holding outputs/ and figures/ (default: $SCR_OUTPUT_DIR, else the "
        "repository)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="folder to write the report to (default: <run>/report)",
    )
    parser.add_argument(
        "--include-review",
        action="store_true",
        help="own data: also use the files the checking record marks 'review' (an SVG, a file "
        "the kit's rules could not check), once a person has read them; default: 'pass' only",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    """Build the report from parsed arguments; return the exit code (0 built, 1 not)."""
    # the builder (pandas, nbconvert) loads only for this command, not for every `--help`
    from analysis.site.build import ReportError, build_report

    run_dir = args.run
    data = args.data if args.data is not None else data_override()
    if run_dir is None and data is not None:
        from analysis.casedata.provenance import is_shipped_synthetic, run_name

        path = user_path(str(data))
        if not path.exists():
            print(f"cannot tell which run {data} made: no such file", file=sys.stderr)
            return 1
        # own data: the audited run `reproduce` wrote (found by the file's name, not by
        # loading it again), never an interactive draft
        # (the name given with NAME= / --name when the run had one, as reproduce named it)
        named = os.environ.get(DATASET_NAME_ENV_VAR, "").strip() or path
        run_dir = None if is_shipped_synthetic(path) else runs_dir() / run_name(named)
    try:
        index = build_report(run_dir, args.out, include_review=args.include_review)
    except ReportError as exc:
        print(f"report not built: {exc}", file=sys.stderr)
        return 1
    print(f"Report written to {index.parent}\nOpen {index.as_uri()} in a browser.")
    _say_left_out(index.parent)
    return 0


def _say_left_out(report_dir: Path) -> None:
    """Name the files marked for review that the report left out, and how to add them."""
    left_out = json.loads((report_dir / "manifest.json").read_text(encoding="utf-8")).get(
        "left_out_for_review", []
    )
    if left_out:
        print(
            f"Left out {len(left_out)} file(s) the checking record marks for review "
            f"({', '.join(left_out[:3])}{', ...' if len(left_out) > 3 else ''}): read them, "
            "then add --include-review to use them."
        )


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis report [--data FILE | --run DIR] [--out DIR] [--include-review]``;
    return exit code."""
    parser = add_arguments(
        argparse.ArgumentParser(
            prog="python -m analysis report",
            description="Build a static HTML report of a run (after `python -m analysis "
            "reproduce`): scorecard, notebooks, figures, data register and assumptions.",
        )
    )
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
