"""The report's practice messages, the coded measure behind each, and what the sources publish.

*Pathways to harm, pathways to protection* (2011-14) states its main practice messages in
words: cases closed too soon, professionals hanging back, uncertainty about thresholds, the
child's and the family's voice, workloads. The codebook gives each a ``theme_*`` variable so a
coder can record whether a review raises it. :data:`MESSAGES` is the mapping, read from the
data file ``themes.yaml`` beside this module (edit the wording there):

message -> coded measure -> whether any published statistic bears on it -> source wording.

Only "cases closed too soon" has published statistics near it (fewer than half involved with
social care at the time, almost two thirds ever), and even there the share of reviews raising
the theme is not published. Every other message is **qualitative**: no source gives a number.
The ``theme_*`` rates in the shipped synthetic data are invented (assumption S10): a table made
from them illustrates the method, never a finding.

The wording is taken from a blog summary of the report dated 11 July 2016
(:data:`SOURCE`), a secondary source; the report pages it cites are unverified.

Examples
--------
>>> [m.key for m in MESSAGES if not m.qualitative]
['closed_too_soon']
>>> message_for("theme_workload_pressure").label
'Workload or resource pressure'
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from pathlib import Path

import pandas as pd

from analysis.casedata.codebook import Codebook, load_codebook
from analysis.content import read_yaml
from analysis.reference.published import figure, stated
from analysis.stats.members import PREFIX
from analysis.stats.tables import involvement_now_vs_ever, proportion_table, yes_share_table

#: Prefix of the codebook's practice-theme variables.
THEME_PREFIX = "theme_"
QUALITATIVE = "qualitative: no statistic in the sources"
RELATED = "related statistics published; the theme's own rate is not"


@dataclass(frozen=True)
class Message:
    """One practice message of the report and the coded measure that speaks to it.

    One entry of ``themes.yaml``; its lists become tuples.

    Attributes
    ----------
    key : str
        Short id, e.g. ``"closed_too_soon"``.
    label : str
        Short label for tables and figures.
    variable : str
        The codebook ``theme_*`` column coding whether a review raises the message.
    headings : tuple of str
        The source's heading(s) for the message (two headings can share one coded theme).
    wording : str
        The source's sentences, verbatim but for straight quotation marks (quotation marks
        inside are the report's own words as the source quotes them).
    pages_cited : str
        Report pages as the source gives them (unverified).
    related_figures : tuple of str
        ``figure_id`` of published figures that bear on the message (none measures the theme's
        own rate).
    not_found : tuple of str
        ``item_id`` in ``not_found.csv`` for statistics looked for and not found.
    other_measures : tuple of str
        Other coded measures that speak to the message, as ``column: code`` or a table measure.
    """

    key: str
    label: str
    variable: str
    headings: tuple[str, ...]
    wording: str
    pages_cited: str
    related_figures: tuple[str, ...] = ()
    not_found: tuple[str, ...] = ()
    other_measures: tuple[str, ...] = ()

    @property
    def qualitative(self) -> bool:
        """True when no published statistic bears on the message: the source states it only."""
        return not self.related_figures

    @property
    def evidence(self) -> str:
        return QUALITATIVE if self.qualitative else RELATED


#: The messages and their source, as data beside this module (shipped as package data).
MESSAGES_FILE = Path(__file__).with_name("themes.yaml")

_LIST_FIELDS = ("headings", "related_figures", "not_found", "other_measures")


def message_problems(entry) -> list[str]:
    """What is missing or wrong in one message's entry of ``themes.yaml`` (empty when complete).

    Every field of :class:`Message` without a default must be given, as non-empty text (a
    non-empty list of text for ``headings``); the lists may be left out; nothing else is allowed.
    """
    if not isinstance(entry, dict):
        return ["not a mapping of the message's fields"]
    known = {f.name: f for f in fields(Message)}
    problems = [f"unknown field {name!r}" for name in entry if name not in known]
    for name, field in known.items():
        value = entry.get(name)
        if value is None and field.default is MISSING:
            problems.append(f"no {name}")
        elif name in _LIST_FIELDS and value is not None:
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                problems.append(f"{name} must be a list of text")
            elif name == "headings" and not value:
                problems.append("headings must name at least one heading")
        elif value is not None and not (isinstance(value, str) and value.strip()):
            problems.append(f"{name} must be text")
    return problems


def load_messages(path: Path | str = MESSAGES_FILE) -> tuple[str, tuple[Message, ...]]:
    """Read the practice messages and where their wording comes from.

    Parameters
    ----------
    path : path-like
        A YAML file with ``source`` (text) and ``messages`` (a list of :class:`Message` fields).

    Returns
    -------
    tuple
        The source (str) and the messages, in file order.

    Raises
    ------
    ValueError
        No source or no messages, or a message is incomplete (every problem is named).
    """
    path = Path(path)
    data = read_yaml(path)
    data = data if isinstance(data, dict) else {}
    source, entries = data.get("source"), data.get("messages")
    if not isinstance(source, str) or not isinstance(entries, list) or not entries:
        raise ValueError(f"{path.name} needs a source (text) and a list of messages")
    problems = []
    for number, entry in enumerate(entries, start=1):
        name = entry.get("key", "?") if isinstance(entry, dict) else "?"
        problems += [f"message {number} ({name}): {p}" for p in message_problems(entry)]
    if problems:
        raise ValueError(f"incomplete practice messages in {path.name}: " + "; ".join(problems))
    messages = tuple(
        Message(**{k: tuple(v) if k in _LIST_FIELDS else v for k, v in entry.items()})
        for entry in entries
    )
    return source, messages


# Read once, at import: where the wording comes from (a secondary summary, not the report
# itself), and the messages in the report's order.
SOURCE, MESSAGES = load_messages()
#: What a theme named by the team without wording in the sources says in ``evidence``.
NO_WORDING = "named by the team; no wording or statistic in the sources consulted"


def _named_without_wording(path: Path | str = MESSAGES_FILE) -> tuple[str, tuple[str, ...]]:
    """The themes the team names for 2014-17 whose wording was not seen, and where they are named.

    Raises
    ------
    ValueError
        The section has no source or no list of ``theme_*`` variables.
    """
    section = (read_yaml(Path(path)) or {}).get("named_without_wording") or {}
    source, variables = section.get("source"), section.get("variables")
    if not isinstance(source, str) or not isinstance(variables, list) or not variables:
        raise ValueError(f"{Path(path).name}: named_without_wording needs a source and variables")
    return " ".join(source.split()), tuple(str(v) for v in variables)


NAMED_SOURCE, NAMED_WITHOUT_WORDING = _named_without_wording()


def message_for(variable: str) -> Message:
    """The message a ``theme_*`` variable codes.

    Raises
    ------
    KeyError
        No message is mapped to the variable.
    """
    for message in MESSAGES:
        if message.variable == variable:
            return message
    raise KeyError(f"no practice message is mapped to {variable!r}")


def unmapped_themes(codebook: Codebook | None = None) -> list[str]:
    """``theme_*`` variables of the codebook that no message maps (should be none)."""
    codebook = codebook or load_codebook()
    mapped = {m.variable for m in MESSAGES} | set(NAMED_WITHOUT_WORDING)
    return [v for v in codebook.variables if v.startswith(THEME_PREFIX) and v not in mapped]


def messages_table() -> pd.DataFrame:
    """The mapping as a tidy table: one row per message.

    Returns
    -------
    DataFrame
        ``message_key``, ``message``, ``variable``, ``variable_description`` (codebook),
        ``qualitative``, ``evidence``, ``related_figures`` (ids with their stated values, e.g.
        "p2011_csc_current (< 50%)"), ``not_found``, ``other_measures``, ``source_heading``,
        ``source_wording``, ``pages_cited``.
    """
    codebook = load_codebook()
    rows = []
    for m in MESSAGES:
        rows.append(
            {
                "message_key": m.key,
                "message": m.label,
                "variable": m.variable,
                "variable_description": codebook[m.variable].description,
                "qualitative": m.qualitative,
                "evidence": m.evidence,
                "related_figures": "; ".join(
                    f"{fid} ({stated(figure(fid))})" for fid in m.related_figures
                ),
                "not_found": "; ".join(m.not_found),
                "other_measures": "; ".join(m.other_measures),
                "source_heading": " / ".join(m.headings),
                "source_wording": m.wording,
                "pages_cited": m.pages_cited,
            }
        )
    return pd.DataFrame(rows)


def theme_table(cases: pd.DataFrame) -> pd.DataFrame:
    """Share of reviews with a final report coded with each practice theme, with intervals.

    Themes are coded only from final reports, so the denominator is reviews with a final
    report (each review once); ``not_recorded`` stays in it.

    Parameters
    ----------
    cases : DataFrame
        Loaded cases with ``final_report_available`` and the ``theme_*`` columns.

    Returns
    -------
    DataFrame
        One row per message in :data:`MESSAGES` order: ``message_key``, ``variable``,
        ``label`` (the message), ``count``, ``not_recorded_count``, ``denominator_count``,
        ``percent``, ``ci_low_percent``, ``ci_high_percent``, ``qualitative``, ``evidence``,
        ``named_without_wording`` (a 2014-17 theme the file codes, :data:`NAMED_WITHOUT_WORDING`,
        after the messages); ``members__*`` beside each count.

    Raises
    ------
    KeyError
        A theme column is missing from ``cases``.
    """
    variables = [m.variable for m in MESSAGES]
    missing = [v for v in variables if v not in cases.columns]
    if missing:
        raise KeyError(f"theme columns not in the data: {missing}")
    # the 2014-17 themes are optional: a file coded to the 2011-14 messages alone still runs
    named = [v for v in NAMED_WITHOUT_WORDING if v in cases.columns]
    table = yes_share_table(cases, variables + named)
    messages = {m.variable: m for m in MESSAGES}
    codebook = load_codebook()
    # The codebook description is a sentence, not a label: show the message instead.
    table["label"] = [
        messages[v].label if v in messages else codebook[v].label for v in table["variable"]
    ]
    keys = [messages[v].key if v in messages else v.removeprefix(THEME_PREFIX) for v in variables]
    table.insert(0, "message_key", [*keys, *(v.removeprefix(THEME_PREFIX) for v in named)])
    table["qualitative"] = [v not in messages or messages[v].qualitative for v in table["variable"]]
    table["evidence"] = [
        messages[v].evidence if v in messages else NO_WORDING for v in table["variable"]
    ]
    table["named_without_wording"] = table["variable"].isin(named)
    return table


def closed_too_soon_measures(cases: pd.DataFrame) -> pd.DataFrame:
    """Every coded measure that speaks to "cases closed too soon", beside what is published.

    Three views of one message: the gap between ever and now involved with children's social
    care (all children), the status "case closed before the incident" (all children), and the
    coded theme (reviews with a final report).

    Parameters
    ----------
    cases : DataFrame
        Loaded cases (``csc_status_at_incident``, ``csc_ever_involved``,
        ``final_report_available``, ``theme_case_closed_too_soon``).

    Returns
    -------
    DataFrame
        ``measure``, ``label``, ``population``, ``count``, ``denominator_count``, ``percent``,
        ``ci_low_percent``, ``ci_high_percent``, ``figure_id``, ``stated`` (published), and
        ``published`` ("yes", "no: our arithmetic on published bounds", "no: not found");
        ``members__count``, ``members__denominator_count``.
    """
    columns = ["label", "count", "denominator_count", "percent"]
    columns += ["ci_low_percent", "ci_high_percent"]
    members = [PREFIX + "count", PREFIX + "denominator_count"]
    involvement = involvement_now_vs_ever(cases).set_index("measure")
    status = proportion_table(cases, "csc_status_at_incident").set_index("csc_status_at_incident")
    theme = theme_table(cases).set_index("variable")
    closed_code = "closed_before_incident"
    parts = [
        ("now", involvement.loc["now", columns + members], "children", "p2011_csc_current", "yes"),
        ("ever", involvement.loc["ever", columns + members], "children", "p2011_csc_ever", "yes"),
        (
            "closed_gap",
            involvement.loc["closed_gap", columns + members],
            "children",
            "",
            "no: not published (only bounds on ever and now)",
        ),
        (
            closed_code,
            status.loc[closed_code, columns + members],
            "children",
            "",
            "no: not found (nf_2011_case_closed)",
        ),
        (
            "theme_case_closed_too_soon",
            theme.loc["theme_case_closed_too_soon", columns + members],
            "reviews with a final report",
            "",
            "no: the theme is stated only in words",
        ),
    ]
    rows = []
    for measure, values, population, figure_id, published in parts:
        row = {"measure": measure, **values.to_dict(), "population": population}
        row["figure_id"] = figure_id
        row["stated"] = stated(figure(figure_id)) if figure_id else ""
        row["published"] = published
        rows.append(row)
    table = pd.DataFrame(rows)
    order = ["measure", "label", "population", *columns[1:], "figure_id", "stated", "published"]
    return table[order + members]


def messages_text(messages: pd.DataFrame) -> str:
    """Each message with its coded variable, the source's heading and wording, and the report
    pages the source cites (``messages`` is :func:`messages_table`)."""
    parts = [f"Wording from: {SOURCE}\n"]
    for m in messages.itertuples():
        parts.append(
            f"{m.message} [{m.variable}; {m.evidence}]\n"
            f"  heading: {m.source_heading}\n"
            f"  wording: {m.source_wording}\n"
            f"  report pages cited: {m.pages_cited}\n"
        )
    return "\n".join(parts)


def closed_too_soon_by_status(cases: pd.DataFrame) -> pd.DataFrame:
    """Among reviews with a final report, the share coded "closed too soon" by status at the
    incident: where the theme was coded.

    Needs ``final_report_available``, ``theme_case_closed_too_soon`` and
    ``csc_status_at_incident``. Returns the ``yes`` rows of
    :func:`analysis.stats.tables.proportion_table`, one per status.
    """
    with_report = cases[cases["final_report_available"] == "yes"]
    table = proportion_table(with_report, "theme_case_closed_too_soon", by="csc_status_at_incident")
    return table[table["theme_case_closed_too_soon"] == "yes"]
