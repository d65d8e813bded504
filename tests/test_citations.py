"""Source lines a reader can cite (issue 13, item 5): publications in words, never ids."""

import pytest

from analysis.reference.citations import citations, cite, publisher
from analysis.reference.published import load_published


def test_every_analysis_in_the_register_has_words_to_cite_it_by():
    reports = set(load_published()["report"])
    assert reports <= set(citations()), sorted(reports - set(citations()))
    for words in citations().values():
        assert "_" not in words and "/" not in words.replace("Arch Dis Child", "")


def test_a_summary_is_cited_via_its_publisher_and_a_report_is_not():
    assert cite("p2011_final_reports") == "Sidebotham et al. (2016), via Warrington LSCB"
    assert cite("sudi2011_sudi_count") == "Garstang and Sidebotham, Arch Dis Child 104(1)"


def test_each_publication_is_named_once_in_the_order_first_cited():
    text = cite("p2011_parent_alcohol", "p2017_parent_alcohol", "p2011_parent_drug")
    assert text == "Sidebotham et al. (2016), via Warrington LSCB; DfE (2022), via SecEd"


def test_an_unknown_figure_is_an_error_not_a_silent_blank():
    with pytest.raises(KeyError):
        cite("p1999_nothing")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("SecEd: Serious case reviews - safeguarding trends", "SecEd"),
        ("careappointments (CYP Now): Sharp fall", "careappointments"),
        ("CYP Now", "CYP Now"),
    ],
)
def test_publisher_is_the_title_before_its_colon(title, expected):
    assert publisher(title) == expected


def test_a_slide_deck_is_cited_via_its_presenter():
    assert cite("p2014_neglect_feature") == (
        "Brandon, Sidebotham et al. (2020), via Research in Practice"
    )
    assert cite("p2017_final_reports") == "DfE (2022), via Dickens & Taylor"
    assert cite("medcause2009_17_scrs") == (
        "Garstang, Eatwell, Sidebotham and Taylor (2021), BMJ Open 11(8)"
    )
