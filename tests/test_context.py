import pytest

from analysis.reference.context import activity_backdrop, analyses_series, financial_year, yearly


def test_financial_year_labelling_rules():
    assert (
        financial_year({"period_type": "financial_year", "period_end": "2013-03-31"}) == "2012-13"
    )
    assert financial_year({"period_type": "at_31_march", "period_end": "2013-03-31"}) == "2012-13"
    # ONS mid-2012 is applied by DfE to the year ending 31 March 2013
    assert financial_year({"period_type": "mid_year", "period_end": "2012-06-30"}) == "2012-13"
    assert financial_year({"period_type": "calendar_year", "period_end": "2012-12-31"}) is None


def test_yearly_prefers_the_latest_revision():
    s47 = yearly("section_47_enquiries_count").set_index("financial_year")
    assert s47.loc["2012-13", "value"] == 127190  # latest revision, not first-published 127,100
    assert s47.loc["2012-13", "vintage"] == "latest_revision"


def test_analyses_series_per_year_is_count_over_years():
    series = analyses_series().set_index("review_period")
    assert series.loc["2011-14", "scrs_count"] == 293
    assert series.loc["2011-14", "scrs_per_year"] == pytest.approx(293 / 3)
    assert series.loc["2005-07", "scrs_per_year"] == pytest.approx(189 / 2)  # register K1
    assert series.loc["2007-09", "scrs_count"] != series.loc["2007-09", "scrs_count"]  # NaN gap


def test_backdrop_marks_the_series_break():
    wide = activity_backdrop().set_index("financial_year")
    assert wide.loc["2008-09", "plans_series"] == "CPR3 registrations"
    assert wide.loc["2012-13", "plans_series"] == "CIN census plans"
    assert wide.loc["2014-15", "sin_total_count"] == 385
