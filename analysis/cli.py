"""Command line: ``python -m analysis <command>`` (the Makefile's targets call these).

Exit codes for ``validate``: 0 the file is valid, 1 it has problems, 2 it cannot be read. The
coding commands (``template``, ``agreement``) live in :mod:`analysis.coding.command`: 0 done, 2
a request or file refused.
A user's mistake never ends in a Python traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from analysis.errors import CaseDataError, InvalidCaseDataError, UnreadableFileError
from analysis.paths import DATASET_NAME_ENV_VAR, FILE_ENV_VAR, sheet_override, user_path

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2
EXIT_INTERRUPTED = 130  # as a shell reports a run stopped by Ctrl-C
EXIT_TERMINATED = 143  # ... and one stopped by `kill` (SIGTERM)


def _cmd_validate(args: argparse.Namespace) -> int:
    from analysis.casedata.load import check_file
    from analysis.casedata.report import usage

    files, sheet, how = list(args.files), args.sheet, "--all"
    if not files and os.environ.get(FILE_ENV_VAR, "").strip():
        files = [user_path(os.environ[FILE_ENV_VAR].strip())]  # make validate FILE=...
        sheet = sheet if sheet is not None else sheet_override()  # ... SHEET=...
        how = "ALL=1"  # what lists everything, as make was asked
    if not files:
        print(usage(), file=sys.stderr)
        return EXIT_UNREADABLE
    worst = EXIT_OK
    for path in files:
        try:
            _, report = check_file(path, sheet=sheet)
        except UnreadableFileError as exc:
            print(f"{exc.path}: cannot be read: {exc.reason}", file=sys.stderr)
            worst = max(worst, EXIT_UNREADABLE)
            continue
        print(report.to_text(limit=None if args.all else args.limit, how=how))
        if args.output:
            report.problems.to_csv(args.output, index=False)
            print(f"problems written to {args.output}")
        if not report.ok:
            worst = max(worst, EXIT_INVALID)
    return worst


def _cmd_rules(args: argparse.Namespace) -> int:
    from analysis.casedata.rules import rule_catalogue

    for r in rule_catalogue().itertuples(index=False):
        print(f"{r.code}  {r.severity:<5}  {r.name}\n        {r.message}")
    return EXIT_OK


def _cmd_codebook(args: argparse.Namespace) -> int:
    from analysis.casedata.dictionary import codebook_markdown

    text = codebook_markdown()
    if args.write:
        from analysis.paths import DOCS_DIR

        (DOCS_DIR / "codebook.md").write_text(text, encoding="utf-8")
        print(f"wrote {DOCS_DIR / 'codebook.md'}")
    else:
        print(text)
    return EXIT_OK


def _cmd_summary(args: argparse.Namespace) -> int:
    from analysis.casedata.load import dataset_label, load_cases
    from analysis.casedata.summary import overview_counts

    cases = load_cases(args.data, sheet=args.sheet)
    print(f"Dataset: {cases.attrs['dataset_name']} [{dataset_label(cases)}]")
    for source in cases.attrs["sources"]:
        print(f"  from {source}")
    for note in cases.attrs["notes"]:
        print(f"  note: {note}")
    print(f"{len(cases)} rows loaded and valid.")
    print(overview_counts(cases).to_string(index=False))
    return EXIT_OK


def _cmd_synthesize(args: argparse.Namespace) -> int:
    from analysis.casedata.load import load_cases, synthetic_path
    from analysis.synthetic.calibration import check
    from analysis.synthetic.generator import write

    if not args.check_only:
        for path in write(seed=args.seed, out_dir=args.out):
            print(f"wrote {path}")
    if not (args.check or args.check_only):
        return EXIT_OK
    periods = ["2011-14", "2014-17"]
    folder = args.out
    cases = {
        p: load_cases(folder / synthetic_path(p).name if folder else synthetic_path(p))
        for p in periods
    }
    table = check(cases)
    print(
        table[["period", "measure", "category", "basis", "stated", "recomputed", "met"]].to_string(
            index=False
        )
    )
    missed = int((~table["met"]).sum())
    print(f"{len(table) - missed} of {len(table)} calibration targets met")
    return EXIT_OK if missed == 0 else EXIT_INVALID


def _cmd_reproduce(args: argparse.Namespace) -> int:
    from analysis.pipeline.reproduce import Release, reproduce
    from analysis.pipeline.stopping import stop_with_make

    stop_with_make()  # `kill -INT` sent to make alone: make waits, so the run stops itself
    release = Release(
        name=args.name or os.environ.get(DATASET_NAME_ENV_VAR, "").strip(),
        allow_overlap=tuple(args.allow_overlap)
        + tuple(os.environ.get(ALLOW_OVERLAP_ENV_VAR, "").replace(",", " ").split()),
        record_file_hash=args.record_file_hash
        or os.environ.get(FILE_HASH_ENV_VAR, "").strip() not in ("", "0"),
        recode=args.recode or _path_from_env(RECODE_FILE_ENV_VAR),
    )
    return reproduce(
        args.data,
        jobs=args.jobs,
        force=args.force,
        sheet=args.sheet,
        fresh_kernels=args.fresh_kernels,
        release=release,
    )


#: ``make reproduce ALLOW_OVERLAP=name`` and ``FILE_HASH=1`` reach the command through these.
ALLOW_OVERLAP_ENV_VAR = "SCR_ALLOW_OVERLAP"
FILE_HASH_ENV_VAR = "SCR_RECORD_FILE_HASH"
#: ``make reproduce RECODE=file`` (a relative name is from where make was run).
RECODE_FILE_ENV_VAR = "SCR_RECODE_FILE"


def _path_from_env(name: str) -> Path | None:
    from analysis.paths import user_path

    value = os.environ.get(name, "").strip()
    return user_path(value) if value else None  # from make's folder, as DATA= is


def _cmd_forget_run(args: argparse.Namespace) -> int:
    from analysis.publish.history import forget

    gone = forget(args.run)
    if not gone:
        print(f"No released run named '{args.run}' is recorded; nothing was removed.")
        return EXIT_UNREADABLE
    print(
        f"Removed the record of released run '{args.run}' ({gone} release(s)). Do this only for "
        "outputs that never left this machine: a later run is no longer checked against it."
    )
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from analysis.site.command import run

    return run(args)


def _add_sheet(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sheet",
        metavar="NAME",
        help="Excel workbooks: the sheet to read, or 'all' for every sheet of cases in order "
        "(default: the sheet Excel opens on)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Reproduction kit for England's national analyses of Serious Case Reviews.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check case files against the codebook (exit 0/1/2)")
    p.add_argument(
        "files", nargs="*", type=Path, help="CSV, .xlsx, .sav or .dta files (or $SCR_FILE)"
    )
    p.add_argument("--limit", type=int, default=200, help="problems to print (default 200)")
    p.add_argument(
        "--all", action="store_true", help="print every problem, and each note on its own line"
    )
    p.add_argument("--output", type=Path, help="also write the problems to this CSV")
    _add_sheet(p)
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("rules", help="list the validation rule catalogue")
    p.set_defaults(func=_cmd_rules)

    p = sub.add_parser("codebook", help="print the data dictionary as Markdown")
    p.add_argument("--write", action="store_true", help="write docs/codebook.md")
    p.set_defaults(func=_cmd_codebook)

    p = sub.add_parser("summary", help="load a dataset (default: shipped) and summarise it")
    p.add_argument("--data", type=Path, help="case file (default: $SCR_DATA or shipped data)")
    _add_sheet(p)
    p.set_defaults(func=_cmd_summary)

    p = sub.add_parser("synthesize", help="write the synthetic datasets (deterministic)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the shipped one)")
    p.add_argument("--out", type=Path, help="folder to write to (default: data/synthetic)")
    p.add_argument("--check", action="store_true", help="then check the calibration targets")
    p.add_argument("--check-only", action="store_true", help="check the files without writing")
    p.set_defaults(func=_cmd_synthesize)

    p = sub.add_parser("reproduce", help="rebuild the analysis (default: shipped data)")
    p.add_argument("--data", type=Path, help="case file (default: $SCR_DATA or shipped data)")
    p.add_argument("--jobs", type=int, default=2, help="notebooks to run at once (default 2)")
    p.add_argument("--force", action="store_true", help="rerun notebooks even if unchanged")
    p.add_argument(
        "--fresh-kernels",
        action="store_true",
        help="a new kernel for every notebook (default: each worker reuses one, reset between "
        "notebooks; the same results, about 2 s of CPU a notebook faster)",
    )
    p.add_argument(
        "--name",
        help="own data: the dataset's name on every output and the run's folder (default: "
        "'Own data' on outputs; the file's name for the folder only)",
    )
    p.add_argument(
        "--allow-overlap",
        action="append",
        default=[],
        metavar="RUN",
        help="own data: release although the cases differ from earlier run RUN's by few cases "
        "(agreed with your output checker; written into the checking record)",
    )
    p.add_argument(
        "--record-file-hash",
        action="store_true",
        help="own data: put the file's plain SHA-256 in the checking record (default: salted)",
    )
    p.add_argument(
        "--recode",
        type=Path,
        metavar="FILE",
        help="own data: categories to combine before disclosure control (default: "
        "<data file stem>.recode.yaml beside the data, if there is one; docs/disclosure.md)",
    )
    _add_sheet(p)
    p.set_defaults(func=_cmd_reproduce)

    p = sub.add_parser(
        "forget-run",
        help="remove the record of a released own-data run whose outputs never left",
    )
    p.add_argument("run", help="the run's name (its folder under runs/)")
    p.set_defaults(func=_cmd_forget_run)

    from analysis.coding import command as coding

    p = sub.add_parser(
        "template",
        help="write a blank coding workbook (or SPSS/Stata label files) from the codebook",
    )
    coding.add_template_arguments(p)
    p.set_defaults(func=coding.run_template)

    p = sub.add_parser(
        "agreement",
        help="agreement between two coders of the same reviews (for the coding team)",
    )
    coding.add_agreement_arguments(p)
    p.set_defaults(func=coding.run_agreement)

    from analysis.site.command import add_arguments

    p = sub.add_parser("report", help="build the static HTML report of a run (after reproduce)")
    add_arguments(p)
    p.set_defaults(func=_cmd_report)
    return parser


def _skip_slow_optional_imports() -> None:
    """Keep this process from importing ``rfc3987_syntax``, which nothing here uses.

    nbformat (which ``reproduce`` and ``report`` need) imports jsonschema, and jsonschema
    imports ``rfc3987_syntax`` if it is installed (JupyterLab's event schemas pull it in) to
    offer an "iri" format check. That package compiles a grammar at import: about 3 s of CPU
    per command, a tenth of a forced reproduce. jsonschema treats the package as optional (an
    ImportError means "not installed"), and nbformat never checks formats; marking it absent
    here affects this command's process only, not kernels, JupyterLab or a user's Python.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    from analysis.pipeline.stopping import stop_on_terminate

    if argv is None:  # the program itself, not a test calling main()
        _skip_slow_optional_imports()
    args = build_parser().parse_args(argv)
    try:
        if argv is None:  # a program (not called from Python): `kill` stops it as Ctrl-C does
            stop_on_terminate()
        return args.func(args)
    except BrokenPipeError:  # output piped into `head`: the reader has all it wanted
        sys.stderr.close()
        return EXIT_OK
    except InvalidCaseDataError as exc:
        from analysis.casedata.messages import say

        report = exc.report
        print(report.to_text(limit=50), file=sys.stderr)
        print(f"{say('command', 'stopped')} {report.how_to_list_all()}", file=sys.stderr)
        return EXIT_INVALID
    except CaseDataError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_UNREADABLE
    except KeyboardInterrupt as exc:
        from analysis.pipeline.stopping import Terminated

        how = "terminated" if isinstance(exc, Terminated) else "interrupted"
        what = "queued notebooks were cancelled; " if args.func is _cmd_reproduce else ""
        print(
            f"Stopped ({how}): {what}files are only ever replaced whole, so the previous "
            "outputs are as they were or fully rewritten.",
            file=sys.stderr,
        )
        return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED
    except OSError as exc:  # an unwritable folder, a full disk: say which and why, no traceback
        where = f" {exc.filename}" if exc.filename else ""
        print(f"Stopped: could not write{where}: {exc.strerror or exc}.", file=sys.stderr)
        return EXIT_UNREADABLE
