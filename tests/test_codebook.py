import re

import pytest

from analysis.casedata.codebook import PERIODS, load_codebook, normalise_token, value_lookup
from analysis.casedata.dictionary import codebook_markdown
from analysis.paths import DOCS_DIR

CONTRACT = {
    "case_id": None,
    "review_period": ["2011-14", "2014-17"],
    "outcome": ["death", "serious_harm"],
    "age_band": ["under_1", "1_5", "6_10", "11_15", "16_17"],
    "sex": ["male", "female", "not_known"],
    "csc_status_at_incident": [
        "not_known_to_csc",
        "referral_not_accepted",
        "closed_before_incident",
        "open_early_help",
        "open_child_in_need",
        "open_child_protection_plan",
        "open_looked_after",
        "not_recorded",
    ],
    "csc_ever_involved": ["yes", "no", "not_recorded"],
    "final_report_available": ["yes", "no"],
}


def test_core_contract_codes_in_order():
    for period in PERIODS:
        cb = load_codebook(period)
        for name, codes in CONTRACT.items():
            assert cb[name].required, name
            if codes is not None:
                assert list(cb[name].codes) == codes, name


def test_later_period_states_only_differences_and_inherits_the_rest():
    early, late = load_codebook("2011-14"), load_codebook("2014-17")
    assert early.incident_years == ("2011-12", "2012-13", "2013-14")
    assert late.incident_years == ("2014-15", "2015-16", "2016-17")
    assert not early["review_id"].required and late["review_id"].required
    assert late["csc_status_at_incident"] == early["csc_status_at_incident"]


def test_involved_at_time_definition_is_the_three_open_statuses():
    assert load_codebook().codes_for("csc_involved_at_incident") == (
        "open_child_in_need",
        "open_child_protection_plan",
        "open_looked_after",
    )


def test_every_variable_is_documented_and_final_report_only_variables_say_so():
    cb = load_codebook()
    assert all(v.description for v in cb.variables.values())
    assert "parent_alcohol_misuse" in cb.final_report_only
    assert "csc_status_at_incident" not in cb.final_report_only


def test_labels_and_variant_spellings_map_to_codes():
    assert normalise_token(" Serious-HARM ") == "serious harm"
    lookup = value_lookup("2011-14", "outcome")
    assert lookup[normalise_token("Serious harm")] == "serious_harm"
    assert value_lookup("2011-14", "sex")[normalise_token("Male")] == "male"
    assert value_lookup("2011-14", "incident_year")[normalise_token("2012-13")] == "2012-13"


def test_ambiguous_spelling_is_not_guessed(monkeypatch):
    # "not known" is the label of not_known in sex; it must never map anywhere else
    lookup = value_lookup("2011-14", "csc_status_at_incident")
    assert normalise_token("Not known") not in lookup


def test_docs_codebook_is_current():
    """docs/codebook.md is generated; regenerate with `make codebook` when this fails."""
    assert (DOCS_DIR / "codebook.md").read_text(encoding="utf-8") == codebook_markdown()


# ---------------------------------------------------------------------------------------------
# Sources, who an item is asked of, and columns never written out (issue 22)


def test_every_variable_names_its_source():
    for period in PERIODS:
        for var in load_codebook(period).variables.values():
            assert len(var.source) > 10, var.name
    cb = load_codebook()
    assert "not seen in the team's sources" in cb["parent_learning_disability"].source.lower()
    assert cb["case_id"].source.startswith("The kit's own variable")
    assert "section 2.4.4" in cb["harm_source"].source


def test_applicability_is_read_with_its_rule_codes_and_alternatives():
    cb = load_codebook("2014-17")  # inherited from 2011-14
    assert list(cb.applicability) == [
        "aged_11_and_over",
        "aged_6_and_over",
        "aged_1_and_over",
        "under_twos",
        "deaths",
        "sudi_deaths",
        "hazardous_sleep",
        "co_sleeping",
        "with_neglect",
        "with_plan",
    ]
    adolescents = cb.applicability["aged_11_and_over"]
    assert adolescents.rule == "XF010" and adolescents.variables == ("age_band",)
    assert adolescents.conditions[0].codes == ("11_15", "16_17")
    plan = cb.asked_of("cp_plan_category")
    assert plan.rule == "XF019"
    assert [(c.variable, c.codes) for c in plan.conditions] == [
        ("cp_plan_ever", ("yes",)),
        ("csc_status_at_incident", ("open_child_protection_plan",)),
    ]
    assert cb.asked_of("co_sleeping").name == "hazardous_sleep"
    assert cb.asked_of("carer_impaired").name == "co_sleeping"
    assert cb.asked_of("sex") is None
    asked = {v.name for v in cb.variables.values() if v.asked_of}
    assert len(asked) == 17 and "child_chronic_illness" not in asked


def test_the_local_authority_code_is_never_output_and_has_a_pattern():
    for period in PERIODS:
        cb = load_codebook(period)
        assert cb.never_output == ["la_code"]
        var = cb["la_code"]
        assert var.type == "text" and var.pattern == "^E(06|08|09|10)[0-9]{6}$"
        assert var.pattern_description.startswith("E06, E08, E09 or E10")


def _codebook_with(tmp_path, monkeypatch, change):
    """Load a copy of the 2011-14 codebook changed by ``change`` (a function of its YAML)."""
    import yaml

    import analysis.casedata.codebook as codebook

    raw = yaml.safe_load((codebook.CODEBOOK_DIR / "2011-14.yaml").read_text(encoding="utf-8"))
    change(raw)
    (tmp_path / "2011-14.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    monkeypatch.setattr(codebook, "CODEBOOK_DIR", tmp_path)
    return codebook.load_codebook.__wrapped__("2011-14")


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda r: r["variables"]["sex"].pop("source"), "2011-14: sex: no source"),
        (
            lambda r: r["variables"]["co_sleeping"].update(asked_of="toddlers"),
            "2011-14: co_sleeping: asked_of 'toddlers' names no condition",
        ),
        (
            lambda r: r["applicability"]["deaths"].update(variable="outcomes"),
            "applicability deaths: 'outcomes' is not a variable",
        ),
        (
            lambda r: r["applicability"]["deaths"].update(codes=["died"]),
            "applicability deaths: 'died' is not a code of outcome",
        ),
        (
            lambda r: r["applicability"]["with_plan"]["any_of"][1].update(codes=["not_recorded"]),
            "applicability with_plan: 'not_recorded' is not a code of csc_status_at_incident",
        ),
        (
            lambda r: r["applicability"]["deaths"].update(rule="XF010"),
            "two conditions share a rule code",
        ),
        (
            lambda r: r["variables"]["hazardous_sleep_environment"].update(asked_of="co_sleeping"),
            "asked_of loops back to it",
        ),
        (
            lambda r: r["variables"]["la_code"].update(pattern="E(0"),
            "la_code: pattern is not a regular expression",
        ),
    ],
)
def test_a_codebook_mistake_fails_loudly_naming_period_and_variable(
    change, said, tmp_path, monkeypatch
):
    with pytest.raises(ValueError, match=re.escape(said)):
        _codebook_with(tmp_path, monkeypatch, change)


def test_the_unchanged_copy_loads(tmp_path, monkeypatch):
    copy = _codebook_with(tmp_path, monkeypatch, lambda r: None)
    assert copy == load_codebook("2011-14")


def test_the_dictionary_shows_sources_who_is_asked_and_what_is_never_output():
    text = codebook_markdown()
    cb = load_codebook()
    rows = {
        line.split("|")[1].strip(): line for line in text.splitlines() if line.startswith("| `")
    }
    for var in cb.variables.values():
        row = rows[f"`{var.name}`"]
        assert row.rstrip().endswith(f"| {var.source} |"), var.name
        condition = cb.asked_of(var.name)
        asked = "all" if condition is None else f"{condition.description} ({condition.rule})"
        assert f"| {asked} |" in row, var.name
    assert "(XF019)" in rows["`cp_plan_category`"] and "| all |" in rows["`sex`"]
    section = text.split("## Who an item is asked of")[1].split("## Never written")[0]
    for condition in cb.applicability.values():
        assert f"**{condition.name}** (rule {condition.rule};" in section
    assert "`cp_plan_ever` in `yes` or `csc_status_at_incident` in" in section
    never = text.split("## Never written to any output")[1].split("##")[0]
    assert "`la_code`" in never and "never written to any output" in never


def test_the_codebook_holds_at_least_60_of_the_frameworks_65_items():
    """Issue 22: every item the team is seen coding is held by a codebook variable (and code)
    that exists, or says why not; at least 60 of the 65 are held."""
    from analysis.casedata.framework import framework_items, framework_problems

    items = framework_items()
    assert len(items) == 65
    assert framework_problems() == []
    held = items[items["held"] == "yes"]
    assert len(held) >= 60
    # each of the new groups is held whole
    for group in ("child's own vulnerabilities", "parents and family"):
        assert (items.loc[items["group"] == group, "held"] == "yes").all(), group


def test_a_framework_item_naming_a_missing_variable_is_a_problem(monkeypatch):
    from analysis.casedata import framework

    items = framework.framework_items()
    items.loc[0, "variable"] = "no_such_variable"
    items.loc[1, "code"] = "no_such_code"
    items.loc[2, ["held", "why_not_held"]] = ["no", ""]
    monkeypatch.setattr(framework, "framework_items", lambda: items)
    assert framework.framework_problems() == [
        "review period: no codebook variable 'no_such_variable'",
        "year of incident: incident_year has no code 'no_such_code'",
        "outcome (death or serious harm): not held, and no reason given",
    ]
