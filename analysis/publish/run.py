"""Where a run writes, and how: every table and figure stamped with what data made it.

A notebook opens a :class:`Run` on the cases it loaded; the run knows the data's label
("SYNTHETIC DATA" or the dataset's name) and its output folders. Only the shipped synthetic
files (known by content) write to ``figures/`` and ``outputs/``; any other file is protected
and written under ``runs/`` (ignored by git): by ``make reproduce DATA=...`` into
``runs/<name>/`` after a whole-run audit, or, opened interactively, into a draft folder
``runs/<name>__draft/``. ``SCR_OUTPUT_DIR`` moves a run elsewhere (the pipeline, tests).
"""

from __future__ import annotations

import os
import pickle
import re
from pathlib import Path

import pandas as pd

from analysis.casedata.load import OWN_DATA_NAME, dataset_label, is_synthetic
from analysis.casedata.provenance import run_name
from analysis.files import is_private, private_folder, replacing, write_text
from analysis.paths import ROOT, runs_dir
from analysis.publish.disclosure import (
    THRESHOLD,
    Plan,
    apply_plan,
    plan_protection,
    rules,
    unprotected_small_counts,
)
from analysis.publish.never_output import Withheld
from analysis.stats.members import PREFIX, PUBLIC_COUNTS, member_columns, strip

OUTPUT_ENV_VAR = "SCR_OUTPUT_DIR"
#: Set by the pipeline on own data: "collect" (keep every table, write nothing) or "publish"
#: (write what the whole-run plan allows). Unset in an interactive session.
STAGE_ENV_VAR = "SCR_RUN_STAGE"
#: The pipeline's private folder for the collected tables and the plan (never released).
STAGING_ENV_VAR = "SCR_RUN_STAGING"
#: How the run's folder is named to the user (the pipeline builds it elsewhere, then swaps).
DISPLAY_ENV_VAR = "SCR_RUN_DISPLAY"
#: Extra figure formats on own data, e.g. "svg" (an SVG carries its data as text: "review").
FORMATS_ENV_VAR = "SCR_FIGURE_FORMATS"
#: Key of the output metadata that says which saved figure a notebook output shows.
FIGURE_METADATA_KEY = "scr_figure"
#: Key of the output metadata of a sentence shown in place of a figure.
NOT_DRAWN_KEY = "scr_not_drawn"
#: Key of the output metadata that says which table a notebook cell wrote (own data only): the
#: executed notebook's printed output is withheld, and the report shows the table's checked file
#: in its place (:func:`analysis.publish.checking.withhold_notebook_text`).
TABLE_METADATA_KEY = "scr_table"
#: An interactive own-data session writes here: protected table by table, not audited as a run.
DRAFT_SUFFIX = "__draft"
FLOAT_DECIMALS = 4
#: Column names that hold counts of children or reviews.
COUNT_NAME = re.compile(r"^(count|numerator|denominator|.*_count)$")
#: Words that must never reach a reader in place of a value: what pandas and numpy print for a
#: missing one. ("None" is not among them: "None of the three" is a category's label.)
NOT_A_VALUE = re.compile(r"\b(?:nan|NaN)\b|<NA>")


class DisclosureError(RuntimeError):
    """An output of a run on own data could show, or give back, a small count."""


def run_root(cases: pd.DataFrame) -> Path:
    """The folder a run writes under.

    The repository for the shipped synthetic data; ``$SCR_OUTPUT_DIR`` when set (the pipeline
    and tests); else, for a user's file opened interactively, ``runs/<name>__draft/``.
    """
    override = os.environ.get(OUTPUT_ENV_VAR, "").strip()
    if override:
        return Path(override).expanduser().resolve()
    if is_synthetic(cases):
        return ROOT
    sources = cases.attrs.get("sources") or [""]
    return runs_dir() / f"{run_name(str(sources[0]))}{DRAFT_SUFFIX}"


def _stage() -> str:
    return os.environ.get(STAGE_ENV_VAR, "").strip()


def _staging() -> Path:
    value = os.environ.get(STAGING_ENV_VAR, "").strip()
    if not value:
        raise DisclosureError(f"{STAGE_ENV_VAR} is set but {STAGING_ENV_VAR} is not")
    return Path(value)


class Run:
    """Output folders, stamping and disclosure control for one analysis run.

    Parameters
    ----------
    cases : DataFrame
        The loaded cases (their ``attrs`` say what dataset they are, and where the run writes).
    label : str, optional
        Stamp outputs with this instead of the cases' label, for outputs made from something
        else, e.g. ``"Public statistics"`` for a chart of national statistics only (which are
        published already, so not suppressed).

    Notes
    -----
    On any data but the shipped synthetic files, disclosure control
    (:mod:`analysis.publish.disclosure`) is on. In ``make reproduce DATA=...`` the pipeline runs
    the notebooks twice: first every table is collected and nothing written, then the run's
    tables are protected together and audited, and the second pass writes what the plan allows.
    :meth:`table` returns the protected table, so figures drawn from it never show a suppressed
    value; :meth:`figure` refuses data that still shows a small count and alt text that reads
    "nan".
    """

    def __init__(self, cases: pd.DataFrame, label: str | None = None, root: Path | None = None):
        self.label = label or dataset_label(cases)
        self.synthetic = is_synthetic(cases) and label is None
        self.protected = label is None and not is_synthetic(cases)
        if self.synthetic:
            self.kind = " (synthetic data, not real cases)"
        else:  # "Own data (own data)" says nothing twice
            self.kind = "" if label or self.label == OWN_DATA_NAME else " (own data)"
        # ``root`` puts a run elsewhere (the teaching exercises, under runs/teaching/), unless
        # the pipeline or a test has moved every run ($SCR_OUTPUT_DIR)
        if root is None or os.environ.get(OUTPUT_ENV_VAR, "").strip():
            root = run_root(cases)
        self.figures_dir = root / "figures"
        self.tables_dir = root / "outputs"
        self.stage = _stage() if self.protected else ""
        self._withheld = Withheld.of(cases)  # la_code: on every run, whatever the data

    def __repr__(self) -> str:
        return f"Run(label={self.label!r}, folder={self._shown_root()})"

    def _shown_root(self) -> str:
        """The run's folder as the user should read it: relative, never a machine's path."""
        shown = os.environ.get(DISPLAY_ENV_VAR, "").strip()
        if shown:
            return shown
        root = self.figures_dir.parent
        try:
            return root.relative_to(ROOT).as_posix() or "."
        except ValueError:
            return root.name

    def describe(self) -> str:
        """One line for the top of a notebook: what data, where outputs go."""
        root = self._shown_root()
        where = "" if root == "." else f"{root}/"
        text = (
            f"Data: {self.label}{self.kind}. "
            f"Figures go to {where}figures, tables to {where}outputs."
        )
        if self.protected:
            text += (
                " Disclosure control is on."
                if self.stage
                else " Disclosure control is on for each table; this interactive draft is not "
                "audited as a whole run: release only what `make reproduce DATA=...` writes."
            )
        return text

    # Tables ----------------------------------------------------------------------------------

    def table(self, table: pd.DataFrame, name: str) -> pd.DataFrame:
        """Write a tidy table as ``{name}.csv``, protected if the data is real; return it.

        The written file starts with a ``dataset`` column saying what made it. On own data the
        table is protected with every other table of the run (see the class notes) and the
        protected table is returned: draw figures from it. ``path`` is in ``attrs``. In the
        pipeline's second pass on own data the cell also shows which table it wrote
        (:class:`TableWritten`), so the report can show the table where the notebook's
        printed output is withheld.
        """
        self._check_public_name(name)
        self._refuse_withheld(f"table {name!r}", strip(table), name)
        public = bool(table.attrs.get(PUBLIC_COUNTS))  # counts of published things, not children
        if not self.protected or (public and not member_columns(table)):
            if self.stage == "collect":  # written in the second pass; the record asks its kind
                _collect(name, table)
                return strip(table)
            return self._write(strip(table), name)
        _check_auditable(table, name)
        if self.stage == "collect":
            _collect(name, table)
            # the notebook goes on with a table protected on its own; the plan comes later
            return apply_plan(name, table, plan_protection({name: table}, secondary=False))
        if self.stage == "publish":
            out = apply_plan(name, table, _load_plan(name, table))
        else:
            out = apply_plan(name, table, plan_protection({name: table}))
        if not unprotected_small_counts(out).empty:
            raise DisclosureError(f"table {name!r} would show a count below {THRESHOLD}")
        return self._write(out, name)

    def _write(self, out: pd.DataFrame, name: str) -> pd.DataFrame:
        self.tables_dir.mkdir(parents=True, exist_ok=True)
        written = out.copy()
        written.insert(0, "dataset", self.label)
        floats = written.select_dtypes("float").columns
        written[floats] = written[floats].round(FLOAT_DECIMALS)
        path = self.tables_dir / f"{name}.csv"
        with replacing(path) as tmp:
            written.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")
        out.attrs["path"] = path
        if _stage() == "publish":  # the pipeline's second pass on own data
            _show_in_notebook(TableWritten(name))
        return out

    # Figures ---------------------------------------------------------------------------------

    def figure(
        self,
        fig,
        name: str,
        *,
        data: pd.DataFrame | None = None,
        alt_text: str | None = None,
        source_note=None,
    ):
        """Save a figure in the house style (PNG, SVG, plotted data, alt text), stamped.

        ``fig`` is a :class:`~analysis.charts.chart.Chart` (the figure with its data, alt text
        and source line, as the chapter chart functions return it; one with nothing to draw is
        shown as :meth:`not_drawn`'s sentence), or a bare matplotlib figure with ``data`` and
        ``alt_text`` given here.

        Returns the stamped figure, so a notebook cell ending with this call shows it (as the
        saved PNG); the paths written are in ``fig.saved_paths``. The output showing it carries
        metadata ``{"scr_figure": {"name", "alt_text", "files"}}`` (files relative to the run's
        folder), so the report can tell which figure each cell made without reading its code.

        On own data: figures are PNG only (``$SCR_FIGURE_FORMATS=svg`` adds SVG, which the
        checking record marks for review); a figure whose data still shows a small count, or
        whose alt text reads "nan", is refused (data of published counts,
        ``attrs[PUBLIC_COUNTS]``, is let through as :meth:`table` lets its table through);
        one with fewer than two values left to show is replaced by a sentence saying why.
        """
        from analysis.charts.chart import Chart
        from analysis.charts.save import save_figure

        if isinstance(fig, Chart):
            if fig.fig is None:  # nothing to draw: the sentence saying why, in its place
                return self.not_drawn(name, fig.why_not_drawn)
            fig, data, alt_text, source_note = fig.fig, fig.data, fig.alt_text, fig.source_note
        if data is None or alt_text is None:
            raise TypeError(f"figure {name!r}: give a Chart, or a figure with data= and alt_text=")
        self._check_public_name(name)
        data = strip(data)  # which units each count counts never leaves the run
        drawn = [t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text"))]
        self._refuse_withheld(f"figure {name!r}", data, name, alt_text, source_note, *drawn)
        formats = ("png", "svg")
        if self.protected:
            if self.stage == "collect":
                fig.saved_paths = {}
                return fig
            # counts of published things (figures by status) are shown as their table is
            public = bool(data.attrs.get(PUBLIC_COUNTS))
            if not public and not unprotected_small_counts(data).empty:
                raise DisclosureError(
                    f"figure {name!r}: its data shows counts below {THRESHOLD}; draw it from "
                    "the table run.table(...) returned, which is protected"
                )
            if NOT_A_VALUE.search(alt_text):
                raise DisclosureError(f"figure {name!r}: its alt text reads a missing value")
            why = too_little_left(data)
            if why:
                return self._sentence_instead(name, why)
            extra = os.environ.get(FORMATS_ENV_VAR, "").replace(",", " ").split()
            formats = tuple(dict.fromkeys([*rules().own_data_figure_formats, *extra]))
        fig.saved_paths = save_figure(
            fig,
            name,
            data=data,
            alt_text=alt_text,
            label=self.label,
            source_note=source_note,
            out_dir=self.figures_dir,
            formats=formats,
        )
        # Shown as the saved PNG in JupyterLab and in executed notebooks (the figure is drawn
        # on an Agg canvas, not through pyplot, so Jupyter has no image of its own)
        png = fig.saved_paths["png"]
        fig._repr_png_ = png.read_bytes
        record = {
            FIGURE_METADATA_KEY: figure_record(name, fig.saved_paths, self.figures_dir.parent)
        }
        # Metadata only: IPython merges it with the PNG and text reprs into one output
        fig._repr_mimebundle_ = lambda include=None, exclude=None: ({}, record)
        return fig

    def _refuse_withheld(self, what: str, frame: pd.DataFrame | None, *texts) -> None:
        """Refuse an output carrying a never_output column or value (la_code), on any data."""
        why = self._withheld.problem(what, frame, (self.label, *texts))
        if why:
            raise DisclosureError(why)

    def _check_public_name(self, name: str) -> None:
        """Outputs stamped "Public statistics" keep names that say so (readers and checks tell
        them from the run's case-data outputs by name: :data:`PUBLIC_STATISTICS_OUTPUTS`)."""
        if self.label == PUBLIC_STATISTICS_LABEL and not name.startswith(PUBLIC_STATISTICS_OUTPUTS):
            raise ValueError(
                f"{name!r}: outputs of public statistics are named {PUBLIC_STATISTICS_OUTPUTS}"
            )

    def not_drawn(self, name: str, why: str) -> Sentence:
        """The sentence a chapter shows, and the run writes as ``{name}.not_drawn.txt``, in
        place of a figure it cannot draw (every change between periods withheld, say): printed
        text is withheld on own data, so a reader would otherwise meet neither. ``why`` is
        :func:`analysis.charts.too_little_to_show`'s sentence, or one like it.
        """
        self._check_public_name(name)
        self._refuse_withheld(f"sentence {name!r}", None, name, why)
        if self.protected and self.stage == "collect":
            return Sentence(f"{name}: {why}")  # nothing is written in the first pass
        return self._sentence_instead(name, why)

    def _sentence_instead(self, name: str, why: str) -> Sentence:
        self.figures_dir.mkdir(parents=True, exist_ok=True)
        text = f"{name}: {why}"
        write_text(self.figures_dir / f"{name}.not_drawn.txt", text + "\n")
        return Sentence(text)


class TableWritten:
    """Which table a notebook cell wrote, shown by the cell on own data (see
    :data:`TABLE_METADATA_KEY`): the cell's printed output is withheld, and this output names
    the protected table in its place."""

    def __init__(self, name: str):
        self.name = name
        self.file = f"outputs/{name}.csv"  # relative to the run's folder: no machine's path

    def _repr_mimebundle_(self, include=None, exclude=None) -> tuple[dict, dict]:
        record = {"name": self.name, "file": self.file}
        return {"text/plain": f"[Table written: {self.file}]"}, {TABLE_METADATA_KEY: record}


def _show_in_notebook(shown) -> None:
    """Display ``shown`` as an output of the running cell; nothing outside a kernel."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return
    if get_ipython() is not None:
        display(shown)


class Sentence(str):
    """Text shown in place of a figure (a notebook displays it as a paragraph)."""

    def _repr_mimebundle_(self, include=None, exclude=None) -> tuple[dict, dict]:
        # the metadata lets the checking step keep this output and withhold other text
        return {"text/markdown": f"*{self}*", "text/plain": str(self)}, {NOT_DRAWN_KEY: True}


#: The columns a figure's data plots, in the order they are looked for.
PLOTTED = (
    "percent",
    "value",
    "index_value",
    "value_count",
    "difference_points",
    "reviews_count",
    "count",
)


def too_little_left(data: pd.DataFrame) -> str | None:
    """Why a figure of ``data`` should not be drawn (fewer than two values left), or None.

    >>> too_little_left(pd.DataFrame({"label": [], "percent": []}))
    'Figure not drawn: its table has no values to show.'

    The plotted column is the first of :data:`PLOTTED` the data has; the sentence comes from
    :func:`analysis.charts.too_little_to_show`.
    """
    from analysis.charts import too_little_to_show

    column = next((c for c in PLOTTED if c in data.columns), None)
    if column is None:
        return None
    # a table with no rows (no death in a file of serious harm) has nothing to draw, marked
    # or not; otherwise only a protected table's markers say a value is withheld
    if data.empty or any(str(c).endswith("_marker") for c in data.columns):
        return too_little_to_show(data, column)
    return None


def _check_auditable(table: pd.DataFrame, name: str) -> None:
    """A table on own data must say which units each of its counts counts, or hold none."""
    unknown = [
        c
        for c in table.columns
        if COUNT_NAME.match(str(c))
        and f"{PREFIX}{c}" not in table.columns
        and pd.to_numeric(table[c], errors="coerce").notna().any()
    ]
    if unknown and not table.attrs.get(PUBLIC_COUNTS):
        raise DisclosureError(
            f"table {name!r}: column(s) {unknown} hold counts without membership, so the "
            "recovery audit cannot check them; build the table with a library function that "
            "records its members (analysis.stats.members), or mark published counts with "
            "attrs['public_counts'] = True"
        )


def _collect(name: str, table: pd.DataFrame) -> None:
    """Keep a table, unprotected, in the pipeline's private staging folder (first pass).

    The pipeline makes the staging folder private; it is never made here (it would take the
    umask's looser permissions), and its ``tables/`` folder is private too.
    """
    staging = _staging()
    if not is_private(staging):
        raise DisclosureError(
            f"the staging folder {staging} is missing or others can reach it: unprotected "
            "tables are kept only in a folder private to the user"
        )
    folder = private_folder(staging / "tables")
    with replacing(folder / f"{name}.pkl") as tmp:  # readable by the user only, as its folder
        table.to_pickle(tmp)


def _load_plan(name: str, table: pd.DataFrame) -> Plan:
    """The whole-run plan, checking this table is the one the first pass collected."""
    staging = _staging()
    with open(staging / "plan.pkl", "rb") as handle:
        plan = pickle.load(handle)
    collected = staging / "tables" / f"{name}.pkl"
    if not collected.exists():
        raise DisclosureError(f"table {name!r} was not seen by the first pass")
    before = pd.read_pickle(collected)
    same = strip(before).reset_index(drop=True).equals(strip(table).reset_index(drop=True))
    if not same:
        raise DisclosureError(f"table {name!r} differs between the two passes of the run")
    return plan


def figure_record(name: str, paths: dict[str, Path], root: Path) -> dict:
    """What a notebook output records about a saved figure: name, alt text, files.

    Parameters
    ----------
    name : str
        The figure's name (its files' stem).
    paths : dict
        The files written, by kind (``png``, ``svg``, ``csv``, ``alt``), as ``save_figure``
        returns them.
    root : path
        The run's folder; the files are recorded relative to it (POSIX separators), so no
        path of the user's machine is written into an executed notebook.

    Returns
    -------
    dict
        ``{"name": ..., "alt_text": ..., "files": {kind: relative path}}``.
    """
    alt = paths.get("alt")
    return {
        "name": name,
        "alt_text": alt.read_text(encoding="utf-8").strip() if alt else "",
        "files": {
            kind: Path(os.path.relpath(path, root)).as_posix() for kind, path in paths.items()
        },
    }


#: The stamp of outputs made from national statistics only (published, so not suppressed).
PUBLIC_STATISTICS_LABEL = "Public statistics"
#: The names such outputs start with: chapter 6 whole, and chapter 4's assessment series.
PUBLIC_STATISTICS_OUTPUTS = ("06_", "04_assessment_factors")


def public_statistics_run(cases: pd.DataFrame) -> Run:
    """A run whose tables and figures are stamped "Public statistics", not with the cases' label.

    The cases only choose the output folder, so a run on a researcher's own file keeps its
    context outputs beside the rest.
    """
    return Run(cases, label=PUBLIC_STATISTICS_LABEL)
