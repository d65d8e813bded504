"""The sudden unexpected infant deaths (SUDI) of the synthetic data meet the SUDI paper's counts.

Garstang and Sidebotham (Arch Dis Child 104(1):30) give eight figures for the 30 SUDI reviews
of 2011-14, 27 with a report (``sudi2011_*`` in ``data/published/``). The generator first makes
every other count of the period; the functions here then make the SUDI subgroup meet the
paper's counts exactly by *swapping* values between a SUDI review and another review (so every
total the period is calibrated to stays as it was), and give the SUDI reviews their age in
months and their sleep circumstances. 2014-17 publishes no SUDI figure: its SUDI reviews get
the same proportions (assumption S13), scaled to their number. How each figure is read, and
what is the kit's between them, are assumptions S17-S19.

Columns needed: ``death_category``, ``final_report_available``, ``incident_year``, ``age_band``,
the social-care columns, the parental factors and ``_adversity`` (the generator's shared
family score); written: ``age_months`` (SUDI rows), ``hazardous_sleep_environment``,
``co_sleeping``, ``carer_impaired``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.synthetic.quotas import apportion, share_of, swap_until, top_k

#: (count, of) as published for 2011-14 (figure ids in brackets); 2014-17 scales them (S13).
REPORTS = (27, 30)  # 27 reports of 30 SUDI reviews (sudi2011_reports)
EVER_SUPPORTED = (19, 27)  # support from social care (sudi2011_social_care_support), S18
PLAN_IF_SUPPORTED = (10, 19)  # a plan, now or before, among them (sudi2011_cp_plan), S18
FAMILY = {  # of the 27 with a report
    "parent_mental_ill_health": (14, 27),  # sudi2011_parent_mental_health
    "parent_domestic_abuse": (9, 27),  # sudi2011_domestic_abuse
    "parent_criminality": (13, 27),  # sudi2011_parent_criminal_record
    "neglect_feature": (15, 27),  # sudi2011_neglect
    "parents_not_engaging": (18, 27),  # sudi2011_non_engagement
}
#: Columns that move with a family factor when it is swapped (a history of violent crime is a
#: kind of criminality, so the pair moves together and the one stays inside the other).
MOVES_WITH = {"parent_criminality": ("parent_criminality", "parent_violent_crime")}
SUBSTANCE = (18, 27)  # alcohol or drug dependency (sudi2011_parent_substance)
#: S18: how the 18 split between drugs and alcohol is not published: 14 drugs, 11 alcohol
#: (7 both), so that each is near the period's ratio of drugs to alcohol.
SUBSTANCE_SPLIT = {"parent_drug_misuse": 14, "parent_alcohol_misuse": 11}
SLEEP = (  # each asked of the rows where the one before is yes (the codebook's applicability)
    ("hazardous_sleep_environment", (18, 27)),  # sudi2011_hazardous_sleep
    ("co_sleeping", (16, 18)),  # sudi2011_co_sleeping
    ("carer_impaired", (13, 16)),  # sudi2011_intoxicated_parent
)
#: S17: ages at death in months of the 30 SUDI reviews: median 2, range 0 to 19 as published
#: (sudi2011_median_age); the spread between is the kit's. The two aged 14 and 19 months are
#: in age band 1 to 5 (AGE_BY_CATEGORY in the generator puts 28 SUDI under 1 and 2 aged 1-5).
MONTHS = {0: 3, 1: 8, 2: 6, 3: 4, 4: 2, 5: 1, 6: 1, 7: 1, 8: 1, 10: 1, 14: 1, 19: 1}
SCALE_FROM = "2011-14"  # the period the counts are published for


def _sudi(frame: pd.DataFrame) -> np.ndarray:
    return (frame["death_category"] == "sudi").to_numpy()


def _target(period: str, n: int, pair: tuple[int, int]) -> int:
    """The published count in 2011-14; the same proportion of ``n`` otherwise."""
    count, of = pair
    if period == SCALE_FROM and n != of:
        raise ValueError(f"the 2011-14 SUDI subgroup has {n} rows, the paper {of}")
    return share_of(n, count, of)


def _yes(column: str):
    return lambda f: (f[column] == "yes").to_numpy()


def calibrate_reports(period: str, reviews: pd.DataFrame) -> None:
    """Exactly 27 of the 30 SUDI reviews have a final report (swapped within incident years)."""
    sudi = _sudi(reviews)
    target = _target(period, int(sudi.sum()), REPORTS)
    rank = np.zeros(len(reviews))
    swap_until(
        reviews, ["final_report_available"], _yes("final_report_available"), sudi, ~sudi,
        target, rank, match="incident_year",
    )  # fmt: skip


def calibrate_care(period: str, kids: pd.DataFrame) -> None:
    """Social care had supported 19 of the 27 SUDI infants with a report; 10 of them had a plan.

    The whole social-care record (status, ever involved, plan, care) is swapped with an infant
    of the same age band outside the subgroup, so the period's status counts do not change.
    """
    care = ["csc_status_at_incident", "csc_ever_involved", "cp_plan_ever", "looked_after_ever"]
    sudi = _sudi(kids) & (kids["final_report_available"] == "yes").to_numpy()
    others = ~_sudi(kids)
    rank = np.zeros(len(kids))
    ever = _target(period, int(sudi.sum()), EVER_SUPPORTED)
    swap_until(kids, care, _yes("csc_ever_involved"), sudi, others, ever, rank, "age_band")
    supported = sudi & (kids["csc_ever_involved"] == "yes").to_numpy()
    partners = others & (kids["csc_ever_involved"] == "yes").to_numpy()
    plans = _target(period, ever, PLAN_IF_SUPPORTED)
    swap_until(kids, care, _yes("cp_plan_ever"), supported, partners, plans, rank, "age_band")


def calibrate_family(period: str, kids: pd.DataFrame) -> None:
    """The SUDI reviews with a report meet the paper's parental factors, neglect and
    non-engagement, by swapping each with another review with a report (the most troubled
    family outside the subgroup gives its factor to the most troubled inside)."""
    report = (kids["final_report_available"] == "yes").to_numpy()
    sudi, others = _sudi(kids) & report, ~_sudi(kids) & report
    n = int(sudi.sum())
    rank = kids["_adversity"].fillna(0).to_numpy()
    for column, pair in FAMILY.items():
        columns = MOVES_WITH.get(column, (column,))
        swap_until(kids, columns, _yes(column), sudi, others, _target(period, n, pair), rank)
    for column, count in SUBSTANCE_SPLIT.items():
        target = share_of(n, count, SUBSTANCE[1])
        swap_until(kids, [column], _yes(column), sudi, others, target, rank)
    _meet_union(kids, sudi, _target(period, n, SUBSTANCE), rank)


def _meet_union(kids: pd.DataFrame, sudi: np.ndarray, target: int, rank: np.ndarray) -> None:
    """Alcohol or drugs in exactly ``target`` SUDI families: alcohol moves between SUDI
    families (so neither count changes) until the two overlap by the right amount."""
    for _ in range(len(kids)):
        alcohol = (kids["parent_alcohol_misuse"] == "yes").to_numpy()
        drugs = (kids["parent_drug_misuse"] == "yes").to_numpy()
        gap = target - int(((alcohol | drugs) & sudi).sum())
        if gap == 0:
            return
        if gap > 0:  # from a family with both to one with neither
            giver, taker = alcohol & drugs & sudi, ~alcohol & ~drugs & sudi
        else:  # from a family with alcohol only to one with drugs only
            giver, taker = alcohol & ~drugs & sudi, drugs & ~alcohol & sudi
        if not (giver.any() and taker.any()):
            raise ValueError(f"cannot reach {target} SUDI families with alcohol or drugs")
        a = np.flatnonzero(giver)[np.argmin(rank[giver])]
        b = np.flatnonzero(taker)[np.argmax(rank[taker])]
        kids.iloc[[a, b], kids.columns.get_loc("parent_alcohol_misuse")] = ["no", "yes"]


def months(rng, bands: np.ndarray) -> np.ndarray:
    """Ages in months of SUDI rows in the published shape: under-1s from the months below 12,
    1-to-5s from those of 12 or more, each by exact quota."""
    out = np.full(len(bands), None, dtype=object)
    for band, keep in (("under_1", lambda m: m < 12), ("1_5", lambda m: m >= 12)):
        rows = np.flatnonzero(bands == band)
        values = [m for m in MONTHS if keep(m)]
        counts = apportion(len(rows), [MONTHS[m] for m in values])
        out[rows] = rng.permutation(np.repeat([str(m) for m in values], counts))
    return out


def sleep_circumstances(period: str, kids: pd.DataFrame, rng) -> None:
    """Hazardous sleep, co-sleeping and an impaired carer for SUDI rows with a report, each
    asked only where the one before is yes, and blank elsewhere. A carer impaired by alcohol
    or drugs goes first to families with parental substance misuse (S19)."""
    report = (kids["final_report_available"] == "yes").to_numpy()
    asked = _sudi(kids) & report
    substance = (
        (kids["parent_alcohol_misuse"] == "yes") | (kids["parent_drug_misuse"] == "yes")
    ).to_numpy()
    for column, pair in SLEEP:
        values = np.full(len(kids), None, dtype=object)
        rows = np.flatnonzero(asked)
        k = _target(period, len(rows), pair) if len(rows) else 0
        score = rng.random(len(rows)) + 1.0 * substance[rows]
        values[rows] = np.where(top_k(score, k), "yes", "no")
        kids[column] = values
        asked = values == "yes"
