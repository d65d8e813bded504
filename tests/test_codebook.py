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
