"""Generate synthetic coded cases, deterministically, calibrated to the published figures.

The real coded case data is confidential. These files let anyone run every notebook; they
describe no real child. Counts that a source publishes (reviews, final reports, a 12% share...)
are met exactly by *quotas*; joint structure (age by category of death, social-care status by
age, parental factors that cluster together, a closed case counting as "ever" but not "now") is
built in so that cross-tabulations look like coded data rather than independent coin flips.
Every value that no source publishes is an assumption, listed with its rationale in
``docs/assumptions.md`` (ids ``S..``) and marked in ``PERIOD_SPECS`` below. The items of the
team's wider framework are written by their own modules (``sudi``, ``family_items``,
``vulnerabilities``, ``harm_items``, ``child_items``, ``care_items``), called from here.

Run ``python -m analysis synthesize`` to write the files and ``--check`` to test them against
the calibration targets (:mod:`analysis.synthetic.calibration`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.casedata.codebook import all_variables, load_codebook
from analysis.casedata.load import synthetic_path
from analysis.casedata.provenance import write_manifest
from analysis.synthetic import care_items, child_items, harm_items, sudi, vulnerabilities
from analysis.synthetic.family_items import add_review_items
from analysis.synthetic.quotas import apportion, quota_labels, top_k

__all__ = ["DEFAULT_SEED", "PERIOD_SPECS", "apportion", "generate", "write"]

DEFAULT_SEED = 20160707  # publication month of the 2011-14 report; any fixed value would do
NEVER_GENERATED = ("la_code",)  # S30: never written to any output, so never in shipped data
AGE_BANDS = ("under_1", "1_5", "6_10", "11_15", "16_17")

# Age band counts by category of death or harm: 2011-14 counts (S04), reused as proportions
# for 2014-17. SUDI is under 1 but for two of 30 aged 14 and 19 months (S17: the published
# range is 0 to 19 months) and suicide adolescent by definition; the rest follow the
# 2005-09 fatal-maltreatment ages (ADC G201: covert homicide median 1 month, severe assault
# 4 months, overt homicide 67% under 5) and the 2011-14 adolescent share of 28%; deaths the
# team puts in neither group (S15) and harm through risk-taking or exploitation (S16) too.
AGE_BY_CATEGORY: dict[str, tuple[int, ...]] = {
    "fatal_physical_assault": (30, 13, 2, 0, 0),
    "overt_homicide": (4, 12, 5, 2, 1),
    "covert_homicide": (8, 2, 0, 0, 0),
    "extreme_neglect": (1, 2, 0, 0, 0),
    "severe_persistent_cruelty": (0, 1, 1, 0, 0),
    "sudi": (28, 2, 0, 0, 0),
    "suicide": (0, 0, 0, 14, 24),
    "other_related": (12, 15, 9, 5, 4),
    "not_related_to_maltreatment": (2, 2, 1, 0, 0),
    "perpetrated_outside_family": (0, 1, 2, 2, 1),
    "unclassifiable": (1, 1, 1, 0, 0),
    "physical_injury": (30, 14, 4, 3, 0),
    "sexual_abuse": (0, 0, 4, 9, 3),
    "neglect": (3, 5, 3, 0, 0),
    "risk_taking_or_exploitation": (0, 0, 0, 9, 7),
    "other_harm": (0, 1, 1, 1, 0),
    "not_recorded": (0, 1, 0, 1, 0),
}
# Share of boys by category (S05): covert homicide victims 100% male (ADC G201, 2005-09);
# girls are most victims of sexual abuse; otherwise 55% boys (2005-09: 59%); deaths outside
# the family 70% boys, harm through risk-taking or exploitation 45% (S15, S16).
MALE_SHARE = {
    "covert_homicide": 1.0,
    "sexual_abuse": 0.25,
    "suicide": 0.6,
    "perpetrated_outside_family": 0.7,
    "risk_taking_or_exploitation": 0.45,
}
DEFAULT_MALE_SHARE = 0.55

# Social-care status at the incident (S06): the order in which quotas are filled and the
# weight of each age band for it (older children more often looked after or long known;
# babies more often unknown to children's social care).
STATUS_AGE_WEIGHTS: dict[str, tuple[float, ...]] = {
    "open_looked_after": (0.2, 0.5, 1.0, 3.0, 4.0),
    "open_child_protection_plan": (1.0, 1.2, 1.0, 0.8, 0.6),
    "open_child_in_need": (0.8, 1.0, 1.2, 1.4, 1.4),
    "closed_before_incident": (0.5, 1.0, 1.3, 1.6, 1.6),
    "referral_not_accepted": (1.0, 1.0, 1.0, 1.2, 1.2),
    "open_early_help": (1.0, 1.3, 1.2, 0.8, 0.5),
    "not_recorded": (1.0, 1.0, 1.0, 1.0, 1.0),
    "not_known_to_csc": (2.5, 1.0, 0.6, 0.4, 0.4),
}
# Of each status, the share ever involved at child-in-need level (S07): all who are open at
# that level now; most closed cases ("cases closed too soon"); few referrals not accepted.
EVER_SHARE = {
    "open_looked_after": 1.0,
    "open_child_protection_plan": 1.0,
    "open_child_in_need": 1.0,
    "closed_before_incident": 50 / 58,
    "referral_not_accepted": 4 / 34,
    "open_early_help": 3 / 14,
    "not_known_to_csc": 0.0,
}
# Shares among the ever-involved with a past plan / past care (S08).
CP_PLAN_EVER_SHARE = {"open_looked_after": 0.4, "open_child_in_need": 0.25}
DEFAULT_CP_PLAN_EVER_SHARE = 0.3
LOOKED_AFTER_EVER_SHARE = {"open_child_in_need": 0.06, "closed_before_incident": 0.1}

THEME_SHARE = {  # S10: practice themes are qualitative in the report; these shares are invented
    "theme_threshold_disagreement": 0.40,
    "theme_child_voice_not_heard": 0.50,
    "theme_family_voice_not_heard": 0.35,
    "theme_hanging_back": 0.45,
    "theme_workload_pressure": 0.30,
}
ETHNICITY_SHARE = {  # S11: 2005-09 fatal maltreatment 27.3% non-white (ADC G201)
    "white": 0.72,
    "mixed": 0.08,
    "asian": 0.07,
    "black": 0.08,
    "other": 0.02,
    "not_known": 0.03,
}
DISABILITY_SHARE = {"yes": 0.25, "no": 0.65, "not_recorded": 0.10}  # S12: 2017-19 "a quarter"


@dataclass(frozen=True)
class PeriodSpec:
    """What one period's synthetic file must contain (published counts and assumptions)."""

    period: str
    prefix: str
    n_children: int
    n_final_reports: int
    # reviews by incident year: (deaths directly caused, deaths related, serious harm)
    reviews_by_year: dict[str, tuple[int, int, int]]
    direct_categories: dict[str, int]  # quotas (2011-14) or proportions (scaled)
    related_categories: dict[str, int]
    harm_types: dict[str, int]
    status_counts: dict[str, int]  # per 2011-14 child; scaled for other sizes
    final_report_year_weights: tuple[float, ...]
    parental_shares: dict[str, float]
    neglect_share: float

    @property
    def n_reviews(self) -> int:
        return sum(sum(v) for v in self.reviews_by_year.values())


_STATUS_2011 = {  # S06: 45% open now (132), 64.5% ever; plans held out of calibration at
    # 2009-11's 10% (29), so the scorecard has a strong figure the data was not tuned to
    "open_looked_after": 15,
    "open_child_protection_plan": 29,
    "open_child_in_need": 88,
    "closed_before_incident": 58,
    "referral_not_accepted": 34,
    "open_early_help": 14,
    "not_recorded": 3,
    "not_known_to_csc": 52,
}
# S03: directly caused deaths in the 2005-09 proportions (ADC G201); SUDI = 30 (Garstang &
# Sidebotham, 2011-14 SUDI SCRs), suicide and other share the rest, less the deaths the team
# classed in neither group (S15: ADC G287, 5 not related to maltreatment, 6 perpetrated
# outside the family, 3 unclassifiable); non-fatal harm in the 2009-11 proportions (NSPCC
# neglect study Table 2.13, whose risk-taking young people are risk_taking_or_exploitation).
# 2014-17 uses the same shares (S13) but for harm through risk-taking or exploitation (S16).
_DIRECT_CATEGORIES = {
    "fatal_physical_assault": 45,
    "overt_homicide": 24,
    "covert_homicide": 10,
    "extreme_neglect": 3,
    "severe_persistent_cruelty": 2,
}
_RELATED_CATEGORIES = {  # the second number of reviews_by_year: deaths not directly caused
    "sudi": 30,
    "suicide": 38,
    "other_related": 31,
    "not_related_to_maltreatment": 5,
    "perpetrated_outside_family": 6,
    "unclassifiable": 3,
}
_HARM_TYPES = {
    "physical_injury": 51,
    "sexual_abuse": 16,
    "neglect": 11,
    "risk_taking_or_exploitation": 16,
    "other_harm": 1,
    "not_recorded": 1,
}
# S16: 2014-17's 162 (counts): risk-taking or exploitation in 44% of the serious-harm reviews
# of adolescents (p2014_serious_harm_risk_cse), the rest in the 2011-14 proportions.
_HARM_TYPES_2014 = {
    "physical_injury": 90,
    "sexual_abuse": 28,
    "neglect": 19,
    "risk_taking_or_exploitation": 21,
    "other_harm": 2,
    "not_recorded": 2,
}
_PARENTAL = {  # S09; alcohol held out of calibration at 2017-19's 34%
    "parent_alcohol_misuse": 0.34,
    "parent_drug_misuse": 0.377,
    "parent_domestic_abuse": 0.55,
    "parent_mental_ill_health": 0.55,
    "parent_criminality": 0.40,
    "parent_learning_disability": 0.10,
}

PERIOD_SPECS: dict[str, PeriodSpec] = {
    "2011-14": PeriodSpec(
        period="2011-14",
        prefix="S11",
        n_children=293,  # S01: one child per review (A05)
        n_final_reports=175,
        # S02: 28 directly caused deaths a year; serious harm 32 a year on average (2009-14),
        # rising over the period as Ofsted's SCRs initiated did (24 in 2012-13, 69 in 2013-14)
        reviews_by_year={
            "2011-12": (28, 38, 25),
            "2012-13": (28, 38, 30),
            "2013-14": (28, 37, 41),
        },
        direct_categories=_DIRECT_CATEGORIES,
        related_categories=_RELATED_CATEGORIES,
        harm_types=_HARM_TYPES,
        status_counts=_STATUS_2011,
        final_report_year_weights=(1.3, 1.0, 0.7),
        parental_shares=_PARENTAL,
        neglect_share=0.67,  # S09: between 60% (2009-11) and about 75% (2014-17)
    ),
    "2014-17": PeriodSpec(
        period="2014-17",
        prefix="S14",
        n_children=404,  # 368 reviews about 404 children
        n_final_reports=278,
        # S02: 28 directly caused deaths a year; serious harm 54 a year (UEA project page)
        reviews_by_year={
            "2014-15": (28, 41, 50),
            "2015-16": (28, 41, 54),
            "2016-17": (28, 40, 58),
        },
        direct_categories=_DIRECT_CATEGORIES,
        related_categories=_RELATED_CATEGORIES,
        harm_types=_HARM_TYPES_2014,
        status_counts=_STATUS_2011,  # S13: no 2014-17 figures found; 2011-14 shares reused
        final_report_year_weights=(1.3, 1.0, 0.7),
        parental_shares=_PARENTAL,
        neglect_share=0.75,  # "three-quarters of all SCRs" (SCIE neglect page)
    ),
}


def _reviews(spec: PeriodSpec, rng) -> pd.DataFrame:
    years, groups = [], []
    for year, (direct, related, harm) in spec.reviews_by_year.items():
        years += [year] * (direct + related + harm)
        groups += ["direct"] * direct + ["related"] * related + ["harm"] * harm
    reviews = pd.DataFrame({"incident_year": years, "group": groups})
    reviews["outcome"] = np.where(reviews["group"] == "harm", "serious_harm", "death")
    reviews["death_category"] = None
    reviews["harm_type"] = None
    for group, column, quotas in [
        ("direct", "death_category", spec.direct_categories),
        ("related", "death_category", spec.related_categories),
        ("harm", "harm_type", spec.harm_types),
    ]:
        rows = reviews.index[reviews["group"] == group]
        counts = apportion(len(rows), list(quotas.values()))
        reviews.loc[rows, column] = quota_labels(rng, list(quotas), counts)
    reviews["category"] = reviews["death_category"].fillna(reviews["harm_type"])
    # final reports: exact count, earlier incidents more likely to have a published report
    weight = reviews["incident_year"].map(
        dict(zip(spec.reviews_by_year, spec.final_report_year_weights, strict=True))
    )
    chosen = rng.choice(
        len(reviews), size=spec.n_final_reports, replace=False, p=weight / weight.sum()
    )
    reviews["final_report_available"] = "no"
    reviews.loc[chosen, "final_report_available"] = "yes"
    sudi.calibrate_reports(spec.period, reviews)
    reviews["review_id"] = [f"{spec.prefix}-R{i + 1:03d}" for i in range(len(reviews))]
    return reviews


def _ages_by_category(rng, categories: pd.Series) -> np.ndarray:
    ages = np.empty(len(categories), dtype=object)
    for category, rows in categories.groupby(categories).groups.items():
        positions = categories.index.get_indexer(rows)
        counts = apportion(len(positions), AGE_BY_CATEGORY[category])
        ages[positions] = quota_labels(rng, AGE_BANDS, counts)
    return ages


def _statuses(rng, spec: PeriodSpec, ages: np.ndarray) -> np.ndarray:
    n = len(ages)
    counts = dict(
        zip(spec.status_counts, apportion(n, list(spec.status_counts.values())), strict=True)
    )
    age_index = np.array([AGE_BANDS.index(a) for a in ages])
    status = np.full(n, None, dtype=object)
    for code, weights in STATUS_AGE_WEIGHTS.items():
        free = np.flatnonzero(status == None)  # noqa: E711 (element-wise comparison)
        if code == "not_known_to_csc":  # last: takes every row still free
            status[free] = code
            break
        w = np.asarray(weights)[age_index[free]]
        picked = rng.choice(free, size=counts[code], replace=False, p=w / w.sum())
        status[picked] = code
    return status


def _within(rng, status: np.ndarray, shares: dict, default: float, eligible: np.ndarray):
    """Exact per-status quotas of True among eligible rows."""
    out = np.zeros(len(status), dtype=bool)
    for code in pd.unique(status):
        rows = np.flatnonzero((status == code) & eligible)
        k = int(apportion(len(rows), [shares.get(code, default), 1 - shares.get(code, default)])[0])
        out[rng.permutation(rows)[:k]] = True
    return out


def _index_children(spec: PeriodSpec, reviews: pd.DataFrame, rng) -> pd.DataFrame:
    """One child per review (the index child) with child-level and family-level codes."""
    kids = reviews.copy()
    kids["age_band"] = _ages_by_category(rng, kids["category"])
    male = kids["category"].map(MALE_SHARE).fillna(DEFAULT_MALE_SHARE).to_numpy()
    kids["sex"] = np.where(rng.random(len(kids)) < male, "male", "female")
    status = _statuses(rng, spec, kids["age_band"].to_numpy())
    kids["csc_status_at_incident"] = status
    ever = _within(rng, status, EVER_SHARE, 0.0, status != "not_recorded")
    kids["csc_ever_involved"] = np.where(
        status == "not_recorded", "not_recorded", np.where(ever, "yes", "no")
    )
    on_plan = status == "open_child_protection_plan"
    plan = on_plan | _within(
        rng, status, CP_PLAN_EVER_SHARE, DEFAULT_CP_PLAN_EVER_SHARE, ever & ~on_plan
    )
    in_care = status == "open_looked_after"
    care = in_care | _within(rng, status, LOOKED_AFTER_EVER_SHARE, 0.0, ever & ~in_care)
    for column, flag in [("cp_plan_ever", plan), ("looked_after_ever", care)]:
        kids[column] = np.where(
            status == "not_recorded", "not_recorded", np.where(flag, "yes", "no")
        )
    kids["ethnicity"] = rng.choice(
        list(ETHNICITY_SHARE), size=len(kids), p=list(ETHNICITY_SHARE.values())
    )
    kids["disability"] = rng.choice(
        list(DISABILITY_SHARE), size=len(kids), p=list(DISABILITY_SHARE.values())
    )
    sudi.calibrate_care(spec.period, kids)
    _family_factors(spec, kids, rng)
    add_review_items(spec.period, kids, rng)
    sudi.calibrate_family(spec.period, kids)
    return kids


def _family_factors(spec: PeriodSpec, kids: pd.DataFrame, rng) -> None:
    """Parental factors, neglect and practice themes, for reviews with a final report.

    Factors cluster: each family has a latent adversity score, and each factor's quota goes
    to the families where score plus noise is highest (domestic abuse, mental ill health and
    substance misuse then co-occur, as the "toxic trio" literature describes).
    """
    report = (kids["final_report_available"] == "yes").to_numpy()
    n = int(report.sum())
    adversity = rng.normal(size=n)
    kids["_adversity"] = np.nan  # kept for the framework's family items; never written
    kids.loc[report, "_adversity"] = adversity
    for column, share in spec.parental_shares.items():
        score = 0.8 * adversity + 0.6 * rng.normal(size=n)
        _set_for_reports(kids, column, report, top_k(score, round(share * n)))
    neglect_like = kids["category"].isin(["extreme_neglect", "neglect", "sudi"]).to_numpy()[report]
    score = 0.6 * adversity + 0.8 * rng.normal(size=n) + 2.0 * neglect_like
    _set_for_reports(kids, "neglect_feature", report, top_k(score, round(spec.neglect_share * n)))
    status = kids["csc_status_at_incident"].to_numpy()[report]
    ever = (kids["csc_ever_involved"] == "yes").to_numpy()[report]
    closed_share = np.where(
        status == "closed_before_incident",
        0.7,
        np.where(
            ever
            & ~np.isin(
                status, ["open_child_in_need", "open_child_protection_plan", "open_looked_after"]
            ),
            0.4,
            0.05,
        ),
    )
    closed_share = np.where(ever, closed_share, 0.0)
    _set_for_reports(kids, "theme_case_closed_too_soon", report, rng.random(n) < closed_share)
    for column, share in THEME_SHARE.items():
        _set_for_reports(kids, column, report, rng.random(n) < share)


def _set_for_reports(kids: pd.DataFrame, column: str, report: np.ndarray, flags) -> None:
    values = np.full(len(kids), None, dtype=object)
    values[report] = np.where(flags, "yes", "no")
    kids[column] = values


def _add_siblings(spec: PeriodSpec, index_kids: pd.DataFrame, rng) -> pd.DataFrame:
    """Extra children of multi-child reviews: same review and family codes, own age and sex."""
    extra = spec.n_children - len(index_kids)
    if extra <= 0:
        return index_kids
    n_twice = extra // 6  # S14: a sixth of the extra children come in reviews of three
    n_once = extra - 2 * n_twice
    chosen = rng.choice(len(index_kids), size=n_once + n_twice, replace=False)
    repeats = np.r_[np.ones(n_once, dtype=int), np.full(n_twice, 2)]
    siblings = index_kids.iloc[np.repeat(chosen, repeats)].copy()
    siblings["age_band"] = _ages_by_category(rng, siblings["category"].reset_index(drop=True))
    siblings["sex"] = np.where(rng.random(len(siblings)) < DEFAULT_MALE_SHARE, "male", "female")
    kids = pd.concat([index_kids, siblings]).sort_values("review_id", kind="stable")
    return kids.reset_index(drop=True)


def _child_items(period: str, kids: pd.DataFrame, rng) -> None:
    """The framework's child-level items, once every child (siblings too) has an age."""
    care_items.meet_plan_count(period, kids, rng)
    child_items.add_age_months(kids, rng)
    sudi.sleep_circumstances(period, kids, rng)
    harm_items.add_medical_cause(kids, rng)
    harm_items.add_harm_source(kids, rng)
    harm_items.add_neglect_category(kids, rng)
    vulnerabilities.add_vulnerabilities(kids, rng)
    child_items.add_living_situation(kids, rng)
    child_items.siblings_at_least_the_review(kids)
    care_items.add_plan_category(period, kids, rng)
    care_items.add_plan_child_or_sibling(kids, rng)


def generate(period: str, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Generate one period's synthetic coded cases (codes as text, codebook column order).

    Parameters
    ----------
    period : {"2011-14", "2014-17"}
    seed : int
        The same seed gives the same rows, byte for byte once written.
    """
    spec = PERIOD_SPECS[period]
    rng = np.random.default_rng([seed, int(period[:4])])
    kids = _add_siblings(spec, _index_children(spec, _reviews(spec, rng), rng), rng)
    _child_items(period, kids, rng)
    kids["case_id"] = [f"{spec.prefix}-{i + 1:04d}" for i in range(len(kids))]
    kids["review_period"] = period
    kids["record_origin"] = "synthetic"
    # S30: la_code is never generated: with the other columns an area is a key to a child
    columns = [c for c in all_variables() if c in kids.columns and c not in NEVER_GENERATED]
    assert set(load_codebook(period).required) <= set(columns)
    return kids[columns].reset_index(drop=True)


def write(seed: int | None = None, out_dir: Path | None = None) -> list[Path]:
    """Generate and write both periods' files; return their paths."""
    seed = DEFAULT_SEED if seed is None else seed
    paths = []
    for period in PERIOD_SPECS:
        path = (
            synthetic_path(period)
            if out_dir is None
            else Path(out_dir) / synthetic_path(period).name
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        generate(period, seed).to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
        paths.append(path)
    if out_dir is None:  # the shipped files: record their content, which is what marks them
        write_manifest(paths)
    return paths
