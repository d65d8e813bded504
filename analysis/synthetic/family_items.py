"""Review-level items of the team's framework: the wider family, new practice themes, the region
and the number of siblings, written once per review (siblings added later copy them).

Columns needed: ``final_report_available``, ``parent_criminality`` and ``_adversity`` (the
generator's shared family score, blank without a report). Every share here is an assumption of
``docs/assumptions.md`` (id beside it) except poverty in 2014-17, published as 35%.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.synthetic.quotas import (
    apportion,
    count_of_share,
    labels_by_share,
    quota_labels,
    top_k,
)

#: S21: (share of reviews with a final report, weight of the family's adversity score). The
#: factors the 2011-14 key findings name beside the toxic trio cluster with it; social
#: isolation and a bitter separation less tightly. Non-engagement follows the SUDI paper's 18
#: of 27 down to 45% for all reviews. Poverty: 35% (published for 2014-17, "the sample" read as
#: the final reports; 2011-14 not published, the same share assumed).
WIDER_FAMILY: dict[str, tuple[float, float]] = {
    "parent_adverse_childhood": (0.45, 0.8),
    "multiple_consecutive_partners": (0.30, 0.8),
    "acrimonious_separation": (0.20, 0.5),
    "social_isolation": (0.25, 0.5),
    "parents_not_engaging": (0.45, 0.8),
    "poverty": (0.35, 0.6),
}
#: S21: a history of violent crime is coded only where there is parental criminality (it is
#: the narrower item): 60% of those families, the most troubled first.
VIOLENT_SHARE_OF_CRIMINALITY = 0.6
#: S29: the three practice themes the 2014-17 briefings name, invented rates as for S10.
NEW_THEME_SHARE = {
    "theme_supervision": 0.35,
    "theme_chronology": 0.30,
    "theme_fragmented_working": 0.45,
}
#: S25: children aged 0-17 by region, ONS mid-year estimates as DfE holds them
#: (dfe-analytical-services/CSC_outcomes_and_enablers, data-raw/ons_mid-year_population_
#: estimates_2012_to_2024.csv at commit bc5a54a, "Regional" rows of time_period 2012 and 2015;
#: their sums are the England totals of data/context/population.csv). Reviews are shared out in
#: proportion to the middle year's children, so the synthetic regions carry no regional pattern.
REGION_CHILDREN: dict[str, dict[str, int]] = {
    "2011-14": {  # mid-2012
        "north_east": 524101,
        "north_west": 1503870,
        "yorkshire_humber": 1131201,
        "east_midlands": 955958,
        "west_midlands": 1243801,
        "east": 1264465,
        "london": 1847747,
        "south_east": 1871286,
        "south_west": 1061541,
    },
    "2014-17": {  # mid-2015
        "north_east": 521491,
        "north_west": 1521065,
        "yorkshire_humber": 1139023,
        "east_midlands": 967911,
        "west_midlands": 1262361,
        "east": 1294037,
        "london": 1911775,
        "south_east": 1902826,
        "south_west": 1073402,
    },
}
#: S24: the child's siblings (no source gives the spread: DFE-RR167 table 3.3 was not seen).
SIBLINGS_SHARE = {
    "none": 0.18,
    "one": 0.30,
    "two": 0.24,
    "three_or_more": 0.23,
    "not_recorded": 0.05,
}


def add_review_items(period: str, reviews: pd.DataFrame, rng) -> None:
    """Write the wider family factors, new themes, region and siblings, one value per review.

    Parameters
    ----------
    period : {"2011-14", "2014-17"}
    reviews : DataFrame
        One row per review (the index children), with ``final_report_available``,
        ``parent_criminality`` and ``_adversity``; changed in place.
    rng : numpy.random.Generator
    """
    report = (reviews["final_report_available"] == "yes").to_numpy()
    n = int(report.sum())
    adversity = reviews["_adversity"].to_numpy(dtype=float)[report]
    for column, (share, weight) in WIDER_FAMILY.items():
        score = weight * adversity + np.sqrt(1 - weight**2) * rng.normal(size=n)
        _set_for_reports(reviews, column, report, top_k(score, count_of_share(n, share)))
    criminal = (reviews["parent_criminality"] == "yes").to_numpy()[report]
    k = count_of_share(int(criminal.sum()), VIOLENT_SHARE_OF_CRIMINALITY)
    violent = top_k(np.where(criminal, adversity + 0.5 * rng.normal(size=n), -np.inf), k)
    _set_for_reports(reviews, "parent_violent_crime", report, violent)
    for column, share in NEW_THEME_SHARE.items():
        _set_for_reports(reviews, column, report, top_k(rng.random(n), count_of_share(n, share)))
    regions = REGION_CHILDREN[period]
    counts = apportion(len(reviews), list(regions.values()))
    reviews["region"] = quota_labels(rng, list(regions), counts)
    reviews["siblings_count"] = labels_by_share(rng, len(reviews), SIBLINGS_SHARE)


def _set_for_reports(frame: pd.DataFrame, column: str, report: np.ndarray, flags) -> None:
    values = np.full(len(frame), None, dtype=object)
    values[report] = np.where(flags, "yes", "no")
    frame[column] = values
