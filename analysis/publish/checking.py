"""The output-checking record of a run on own data, for whoever approves its release.

In the spirit of ACRO's ``results.json`` (output checking in trusted research environments):
one entry per file the run wrote, with its kind, a status (``pass``, ``review`` or ``fail``),
the rules applied, the cells suppressed (and, once for all, why), and a checksum, so the
checker can see that what leaves is what was checked; plus the rules in force, the recovery
audit's result and the data file's hash. Written as ``checking/results.json`` and, for a
person, ``checking/summary.md``.

Executed notebooks on own data keep their narrative and figures; any other output is replaced
by a note (:func:`withhold_notebook_text`), because printed text is not audited. Where the cell
wrote a table, the note names it, and the report shows that table's checked file in its place.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import nbformat
import pandas as pd

from analysis.files import file_sha256, write_text
from analysis.paths import ROOT, runs_dir
from analysis.publish.disclosure import SHOWN_AS_C, Plan, unprotected_small_counts
from analysis.publish.run import (
    FIGURE_METADATA_KEY,
    NOT_A_VALUE,
    NOT_DRAWN_KEY,
    TABLE_METADATA_KEY,
)

CHECKING_DIR = "checking"
WITHHELD = (
    "[Output withheld on own data: printed text is not disclosure-checked. The protected "
    "tables are in outputs/, each listed in checking/results.json.]\n"
)
#: The note in place of a cell's printed output when the cell wrote a table.
WITHHELD_TABLE = (
    "[Output withheld on own data: printed text is not disclosure-checked. The protected "
    "table it shows is {file}, listed in checking/results.json.]\n"
)
#: Key of the output metadata of a note in place of withheld output (the report finds it so).
WITHHELD_KEY = "scr_withheld"

#: What each kind of file is, and the rules that were applied to it.
KINDS = {
    "table": [
        "primary suppression",
        "the same count everywhere",
        "secondary suppression",
        "statistics withheld with their counts",
        "recovery audit",
    ],
    "figure": [
        "drawn from protected tables",
        "no small count in its data",
        "alt text without missing values",
        "PNG only",
    ],
    "figure_data": ["copied from protected tables", "no small count"],
    "alt_text": ["built from protected tables", "no missing values read out"],
    "not_drawn": ["sentence in place of a figure with too little left to show"],
    "figure_vector": ["an SVG carries its data as text: a person checks it"],
    "notebook": [
        "text outputs withheld (a note names the table a cell wrote); figures kept",
        "no absolute paths",
    ],
    "workbook": ["built from the protected tables (markers [c], [x], [z]); no other values"],
    "report": ["built only from files this record lists, checksums matching"],
    "other": ["not made by the kit's rules: a person checks it"],
}


def _kind(relative: Path) -> str:
    name = relative.name
    if relative.parts[0] == "outputs" and name.endswith(".csv"):
        return "table"
    if name.endswith(".alt.txt"):
        return "alt_text"
    if name.endswith(".not_drawn.txt"):
        return "not_drawn"
    if name.endswith(".png"):
        return "figure"
    if name.endswith(".svg"):
        return "figure_vector"
    if relative.parts[0] == "figures" and name.endswith(".csv"):
        return "figure_data"
    if name.endswith(".ipynb"):
        return "notebook"
    if name.endswith(".xlsx"):
        return "workbook"
    return "other"


def _status(kind: str, path: Path, root: Path, public: set[str]) -> tuple[str, str]:
    """(status, why) for one file."""
    if kind in ("table", "figure_data") and path.stem in public:
        return "pass", "counts published figures, not children (no small-count rule applies)"
    if kind == "workbook":
        return "pass", "made from the protected tables above, after the audit (no other values)"
    if kind in ("figure_vector", "other"):
        return "review", KINDS[kind][0]
    if kind in ("table", "figure_data"):
        bad = unprotected_small_counts(pd.read_csv(path))
        return ("fail", f"{len(bad)} row(s) show a small count") if len(bad) else ("pass", "")
    if kind in ("alt_text", "not_drawn"):
        text = path.read_text(encoding="utf-8")
        return ("fail", "reads a missing value") if NOT_A_VALUE.search(text) else ("pass", "")
    if kind == "notebook":
        text = path.read_text(encoding="utf-8")
        # the kit's folder, the runs folder and the home folder would say where the data lives
        places = {str(ROOT), str(runs_dir()), str(Path.home()), str(root)}
        leaked = sorted(p for p in places if p in text)
        return ("fail", f"holds the path {leaked[0]}") if leaked else ("pass", "")
    return "pass", ""


#: Why a cell is suppressed, said once for every cell: naming which cells are small (primary)
#: and which protect them (secondary) would tell a reader which hidden counts are from 1 to 4.
WHY_SUPPRESSED = (
    "a count from 1 to threshold - 1 or within threshold - 1 of its total, a zero in a group "
    "whose size is suppressed, or a count hidden so that one of those cannot be worked out; "
    "which, is deliberately not said"
)


def suppressed_cells(plan: Plan) -> dict[str, list[dict]]:
    """The cells each table suppressed (rows counted from 1, as a reader counts)."""
    out: dict[str, list[dict]] = defaultdict(list)
    for table, row, column in sorted(plan.suppressed):
        out[table].append({"row": row + 1, "column": column})
    return dict(out)


def write_record(
    run_dir: Path,
    plan: Plan,
    *,
    label: str,
    data_file: dict,
    differencing: dict | None = None,
    public_tables: set[str] = frozenset(),
    recode: Sequence[str] = (),
    combinable: Mapping[str, list[str]] | None = None,
) -> Path:
    """Write ``checking/results.json`` and ``checking/summary.md`` for a finished run.

    The record says what the output checker needs and no more: which cells are suppressed (a
    reader sees their markers anyway), never how many hidden counts behind withheld statistics
    are not empty, nor the file's name or a hash anyone holding a candidate file could confirm.

    Parameters
    ----------
    run_dir : Path
        The run's folder (every file under it is listed, but the checking folder itself).
    plan : Plan
        The run's disclosure plan, with its final audit.
    label : str
        The dataset's name, as stamped on the outputs (chosen by the user, else neutral).
    data_file : dict
        How the case file is identified: ``salted_sha256`` (a keyed hash only this
        installation can recompute), and ``sha256`` only when the user asked for it.
    differencing : dict, optional
        Earlier released runs that share cases with this one, and any override
        (:mod:`analysis.publish.history`).
    public_tables : set of str
        Tables whose counts are of published things (figures), not of children.
    recode : sequence of str
        The categories combined before protection, one line each
        (:meth:`analysis.casedata.recode.Recode.describe`).
    combinable : mapping, optional
        Tables with hidden counts -> their variables whose categories may be combined
        (:func:`analysis.publish.recoding.combinable`: from what a reader sees only).

    Returns
    -------
    Path
        The JSON record.
    """
    cells = suppressed_cells(plan)
    entries = []
    for path in sorted(p for p in run_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(run_dir)
        if relative.parts[0] == CHECKING_DIR:
            continue
        kind = _kind(relative)
        status, why = _status(kind, path, run_dir, public_tables)
        entry = {
            "file": relative.as_posix(),
            "kind": kind,
            "status": status,
            "rules": KINDS[kind],
            "sha256": file_sha256(path),
        }
        if why:
            entry["why"] = why
        if kind == "table":
            entry["suppressed"] = [
                c for c in cells.get(path.stem, []) if not c["column"].startswith("implied")
            ]
        entries.append(entry)
    r = plan.rules
    differencing = differencing or {"earlier_runs": []}
    overridden = any(e.get("overridden") for e in differencing["earlier_runs"])
    record = {
        "dataset": label,
        "data_file": data_file,
        "rules": {
            "threshold": r.threshold,
            "minimum_values": r.minimum_values,
            "hide_zeros_of_hidden_groups": r.hide_zeros_of_hidden_groups,
            "markers": dict(r.markers),
            "own_data_figure_formats": list(r.own_data_figure_formats),
            "config": "analysis/publish/disclosure.yaml",
        },
        "audit": {
            "why_suppressed": WHY_SUPPRESSED,
            "passed": plan.passed,
            # counts a reader sees, and of them those shown as [c]: the one count of suppressed
            # cells the console, the summary and the tables' lists below give too. The hidden
            # counts behind statistics are audited but not counted here (how many there are
            # says how many of their cells are not empty)
            "counts_published": plan.shown_counts,
            "suppressed": plan.shown_suppressed,
            "fewest_whole_values_at_least": plan.narrowest,
            "summary": plan.summary(),
        },
        "differencing": differencing,
        "categories_combined": list(recode),
        "categories_combinable": dict(combinable or {}),
        "outputs": entries,
        "overall": "fail"
        if any(e["status"] == "fail" for e in entries) or not plan.passed
        else "review"
        if overridden or any(e["status"] == "review" for e in entries)
        else "pass",
    }
    folder = run_dir / CHECKING_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "results.json"
    write_text(path, json.dumps(record, indent=1, sort_keys=False) + "\n")
    write_text(folder / "summary.md", _summary(record))
    return path


def _summary(record: dict) -> str:
    counts = defaultdict(int)
    for e in record["outputs"]:
        counts[e["status"]] += 1
    lines = [
        f"# Output checking: {record['dataset']}",
        "",
        f"Overall: **{record['overall']}** ({counts['pass']} pass, {counts['review']} to "
        f"review, {counts['fail']} fail).",
        "",
        record["audit"]["summary"],
        "",
        f"Rules: `{record['rules']['config']}` (threshold {record['rules']['threshold']}). "
        f"Data file: {_file_identity(record['data_file'])}.",
        "",
        *_differencing_lines(record["differencing"]),
        *_recode_lines(
            record.get("categories_combined", []), record.get("categories_combinable", {})
        ),
        "Automatic control cannot know what a reader already knows about a case from elsewhere: "
        "read every output before release (docs/disclosure.md).",
        "",
        f"| file | kind | status | {SHOWN_AS_C} |",
        "|---|---|---|---|",
    ]
    for e in record["outputs"]:
        lines.append(
            f"| `{e['file']}` | {e['kind']} | {e['status']}"
            + (f" ({e['why']})" if e.get("why") else "")
            + f" | {len(e.get('suppressed', []))} |"
        )
    # the column's sum: the paragraph's number again (tests/test_one_count.py), never another
    total = sum(len(e.get("suppressed", [])) for e in record["outputs"])
    lines.append(f"| all files | | | {total} |")
    return "\n".join(lines) + "\n"


def _recode_lines(combined: list[str], combinable: Mapping[str, list[str]]) -> list[str]:
    """Which categories the run combined before protection (a recode file), and which tables
    with hidden counts have categories that may be combined (what a reader sees already)."""
    lines = (
        [
            "Categories combined before protection (a recode file; docs/disclosure.md):",
            *(f"- {line}" for line in combined),
        ]
        if combined
        else ["Categories: every category as coded (no recode file)."]
    )
    if combinable:
        lines += [
            "",
            "Tables with hidden counts whose categories may be combined (recode.yaml), to "
            "publish more: "
            + "; ".join(f"`{t}` ({', '.join(v)})" for t, v in combinable.items())
            + ". Which combinations would, tried through the same protection, the run printed "
            "on the terminal only: that advice is worked out from the hidden counts "
            '(docs/disclosure.md, "Publishing more by combining categories").',
        ]
    return [*lines, ""]


def _file_identity(data_file: dict) -> str:
    text = f"salted SHA-256 `{data_file['salted_sha256']}` (recomputed only by this installation)"
    if data_file.get("sha256"):
        text += f", SHA-256 `{data_file['sha256']}` (recorded on request)"
    return text


def _differencing_lines(differencing: dict) -> list[str]:
    """The earlier runs this one shares cases with, for the checker (differencing)."""
    earlier = differencing["earlier_runs"]
    if not earlier:
        return ["Differencing: no earlier released run shares a case with this one.", ""]
    lines = [
        f"Differencing: {len(earlier)} earlier released run(s) share cases with this one "
        f"(runs must differ by at least {differencing['minimum_difference']} cases):",
        "",
    ]
    for e in earlier:
        flag = " **OVERRIDDEN by the user: check that releasing both is safe.**"
        lines.append(
            f"- `{e['earlier_run']}` (released {e['released']}): {e['cases_differing']} case(s) "
            f"differ; {e['outcome']}." + (flag if e["overridden"] else "")
        )
    return [*lines, ""]


def withhold_notebook_text(path: Path, root: Path) -> None:
    """Keep an executed notebook's narrative and figures; replace every other output.

    A figure saved by :meth:`analysis.publish.run.Run.figure` (its output carries
    ``scr_figure`` metadata) keeps its PNG; printed text, tables and errors are withheld. A
    cell that withheld anything gets one note (metadata ``scr_withheld``): for each table the
    cell wrote (:meth:`~analysis.publish.run.Run.table` showed it with ``scr_table``
    metadata), a note naming its file, where the table was written; else one note saying
    where the protected tables are. The notebook's metadata (``scr_table``) lists every table
    it wrote. The absolute path of the run folder is removed wherever it appears.
    """
    nb = nbformat.read(path, as_version=4)
    every: list[Written] = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept, tables, withheld = [], [], False  # kept: outputs, and tables where written
        for output in cell.get("outputs", []):
            metadata = output.get("metadata", {})
            figure = metadata.get(FIGURE_METADATA_KEY)
            table = table_written(metadata.get(TABLE_METADATA_KEY))
            if figure and "image/png" in output.get("data", {}):
                output["data"] = {"image/png": output["data"]["image/png"]}
                kept.append(output)
            elif metadata.get(NOT_DRAWN_KEY):
                kept.append(output)  # the sentence shown in place of a figure
            elif table is not None:
                if table not in tables:
                    tables.append(table)
                    kept.append(table)
            else:
                withheld = True
        # a table a cell wrote stands where its printed output was; one that printed nothing
        # (its figure is kept) needs no note
        cell["outputs"] = [
            _note(item) if isinstance(item, Written) else item
            for item in kept
            if withheld or not isinstance(item, Written)
        ]
        if withheld and not tables:
            cell["outputs"].append(_note(None))
        every += [t for t in tables if t not in every]
    # every table the notebook wrote, for a note whose cell printed a view of one of them
    nb.metadata[TABLE_METADATA_KEY] = [t._asdict() for t in every]
    text = nbformat.writes(nb).replace(str(root), ".")
    write_text(path, text)


class Written(NamedTuple):
    """A table a notebook cell wrote: its name and file (relative to the run's folder)."""

    name: str
    file: str


def table_written(record) -> Written | None:
    """The table a notebook output says its cell wrote, if it names one of the run's tables.

    Parameters
    ----------
    record : object
        The output's ``scr_table`` metadata (:data:`TABLE_METADATA_KEY`), as read.

    Returns
    -------
    Written or None
        Its name and file (``outputs/{name}.csv``); None for anything else, so no other
        path can be named.
    """
    if not isinstance(record, dict):
        return None
    name, file = record.get("name"), record.get("file")
    if not isinstance(name, str) or "/" in name or file != f"outputs/{name}.csv":
        return None
    return Written(name, file)


def _note(table: Written | None):
    """The note in place of a cell's withheld output (naming the table it wrote, if any)."""
    if table is None:
        return nbformat.v4.new_output(
            "display_data", data={"text/plain": WITHHELD}, metadata={WITHHELD_KEY: True}
        )
    return nbformat.v4.new_output(
        "display_data",
        data={"text/plain": WITHHELD_TABLE.format(file=table.file)},
        metadata={WITHHELD_KEY: True, TABLE_METADATA_KEY: table._asdict()},
    )


def add_report(run_dir: Path, report_dir: Path) -> Path:
    """List a report built from the run in its checking record (the report leaves too).

    One entry per file of the report (kind ``report``, status ``pass``: the report refuses any
    file this record does not vouch for, :func:`analysis.site.contents.checked_files`; a copy
    of a ``review`` file keeps ``review``),
    replacing the entries of an earlier report in the same folder; the rest of the record is
    unchanged. ``summary.md`` is written again.

    Parameters
    ----------
    run_dir : Path
        The run's folder, holding ``checking/results.json``.
    report_dir : Path
        The report's folder: listed relative to the run's folder, or by its name alone when
        it is elsewhere (``--out``), so no path of the user's machine is written.

    Returns
    -------
    Path
        The JSON record.
    """
    path = run_dir / CHECKING_DIR / "results.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    prefix, inside = _report_prefix(run_dir, report_dir)
    entries = [
        e
        for e in record["outputs"]
        if not (e.get("kind") == "report" and e["file"].startswith(f"{prefix}/"))
    ]
    # a copy of a file the checker must still read (a review SVG, --include-review) stays so
    copied = {e["sha256"]: e["status"] for e in entries if e.get("kind") != "report"}
    for file in sorted(p for p in report_dir.rglob("*") if p.is_file()):
        digest = file_sha256(file)
        entry = {
            "file": f"{prefix}/{file.relative_to(report_dir).as_posix()}",
            "kind": "report",
            "status": "review" if copied.get(digest) == "review" else "pass",
            "rules": KINDS["report"],
            "sha256": digest,
        }
        if not inside:
            entry["why"] = "written outside the run's folder (--out)"
        entries.append(entry)
    record["outputs"] = entries
    if record["overall"] == "pass" and any(e["status"] == "review" for e in entries):
        record["overall"] = "review"
    write_text(path, json.dumps(record, indent=1, sort_keys=False) + "\n")
    write_text(path.with_name("summary.md"), _summary(record))
    return path


def _report_prefix(run_dir: Path, report_dir: Path) -> tuple[str, bool]:
    """How the record names a report's folder, and whether it is inside the run's folder."""
    try:
        return report_dir.resolve().relative_to(run_dir.resolve()).as_posix(), True
    except ValueError:
        return report_dir.name, False
