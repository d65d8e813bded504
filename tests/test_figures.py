"""House style, generic plots and the deterministic saver of ``analysis.charts``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure

from analysis.charts import (
    PALETTE,
    RC_PARAMS,
    SYNTHETIC_STAMP,
    bar_percent,
    grouped_bar_percent,
    house_style,
    line_series,
    reference_markers,
    save_figure,
    stamp_figure,
)
from analysis.charts import save as save_module
from analysis.charts.style import FIG_WIDTH, SAVE_DPI

ROOT = Path(__file__).resolve().parents[1]


def age_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "age_group": ["Under 1", "1 to 5 years", "6 to 10 years", "16 and over"],
            "children_count": [120, 66, 30, 18],
            "children_percent": [51.3, 28.2, 12.8, 7.7],
            "low_percent": [44.9, 22.8, 9.1, 4.9],
            "high_percent": [57.6, 34.2, 17.7, 11.9],
        }
    )


def timing_table(n_groups: int = 2) -> pd.DataFrame:
    groups = ["at the time of the incident", "ever", "before birth", "after", "unknown"]
    rows = [
        {"factor": factor, "timing": groups[g], "children_percent": 10.0 + 7 * g + i}
        for i, factor in enumerate(["Domestic abuse", "Mental health", "Substance misuse"])
        for g in range(n_groups)
    ]
    return pd.DataFrame(rows)


def draw_and_save(out_dir: Path, label: str = "SYNTHETIC DATA") -> dict[str, Path]:
    table = age_table()
    fig = bar_percent(
        table,
        "age_group",
        "children_percent",
        low="low_percent",
        high="high_percent",
        title="Age of the child at the time of the incident",
        subtitle="Children in serious case reviews, 2011-14",
        reference={"published 12%": 12.0},
    )
    return save_figure(
        fig,
        "age_at_incident",
        data=table,
        alt_text="Horizontal bar chart: half of the children were under 1.",
        label=label,
        source_note="Source: test data",
        out_dir=out_dir,
    )


# --- palette and style ----------------------------------------------------------------------


def test_palette_is_the_analysis_function_palette():
    assert PALETTE == ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
    assert len(set(PALETTE)) == 6


def test_house_style_sets_deterministic_svg_and_restores_rcparams():
    before = mpl.rcParams["svg.hashsalt"]
    with house_style():
        assert mpl.rcParams["svg.hashsalt"] == RC_PARAMS["svg.hashsalt"]
        assert mpl.rcParams["svg.hashsalt"] is not None
        assert mpl.rcParams["svg.fonttype"] == "none"  # text stays text
        assert mpl.rcParams["axes.spines.top"] is False
    assert mpl.rcParams["svg.hashsalt"] == before


@pytest.mark.parametrize("n_groups", [5])
def test_more_than_four_groups_is_refused(n_groups):
    with pytest.raises(ValueError, match="at most 4"):
        grouped_bar_percent(
            timing_table(n_groups), "factor", "timing", "children_percent", title="Too many"
        )


def test_more_than_four_series_is_refused():
    table = pd.DataFrame(
        {"year": [2010, 2011] * 5, "series": np.repeat(list("abcde"), 2), "n_count": 1.0}
    )
    with pytest.raises(ValueError, match="at most 4"):
        line_series(table, "year", "n_count", "series", title="Too many")


def test_four_groups_use_the_first_four_palette_colours():
    fig = grouped_bar_percent(
        timing_table(4), "factor", "timing", "children_percent", title="Four groups"
    )
    colours = {mpl.colors.to_hex(p.get_facecolor()).upper() for p in fig.axes[0].patches}
    assert colours == set(PALETTE[:4])


# --- save_figure ----------------------------------------------------------------------------


def test_save_figure_writes_four_files(tmp_path):
    paths = draw_and_save(tmp_path / "new_folder")
    assert set(paths) == {"png", "svg", "csv", "alt"}
    assert [p.name for p in paths.values()] == [
        "age_at_incident.png",
        "age_at_incident.svg",
        "age_at_incident.csv",
        "age_at_incident.alt.txt",
    ]
    for path in paths.values():
        assert path.parent == tmp_path / "new_folder"
        assert path.stat().st_size > 0
    assert paths["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in paths["svg"].read_bytes()[:1000]


def test_png_is_saved_at_200_dpi(tmp_path):
    from PIL import Image

    paths = draw_and_save(tmp_path)
    with Image.open(paths["png"]) as image:
        assert image.size[0] == pytest.approx(FIG_WIDTH * SAVE_DPI, abs=2)
        assert "Software" not in image.info


def test_same_data_gives_byte_identical_png_and_svg(tmp_path):
    first = draw_and_save(tmp_path / "a")
    second = draw_and_save(tmp_path / "b")
    for kind in ("png", "svg", "csv", "alt"):
        assert first[kind].read_bytes() == second[kind].read_bytes(), kind


def test_byte_identical_in_a_fresh_process(tmp_path):
    # A second interpreter has a different hash seed and object ids; the files must not care.
    here = draw_and_save(tmp_path / "here")
    script = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]);"
        "import tests.test_figures as t; t.draw_and_save(Path(sys.argv[2]))"
    )
    subprocess.run(
        [sys.executable, "-c", script, str(ROOT), str(tmp_path / "there")],
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
    )
    for kind in ("png", "svg"):
        assert here[kind].read_bytes() == (tmp_path / "there" / here[kind].name).read_bytes()


def test_images_carry_no_date_or_software_version(tmp_path):
    svg = draw_and_save(tmp_path)["svg"].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg
    assert "Matplotlib" not in svg
    assert mpl.__version__ not in svg


def test_different_data_gives_different_files(tmp_path):
    first = draw_and_save(tmp_path / "a")
    table = age_table().assign(children_percent=[50.0, 30.0, 12.0, 8.0])
    fig = bar_percent(table, "age_group", "children_percent", title="Age")
    other = save_figure(
        fig, "x", data=table, alt_text="x", label="SYNTHETIC DATA", out_dir=tmp_path
    )
    assert first["png"].read_bytes() != other["png"].read_bytes()


def test_csv_equals_the_data_plus_its_label(tmp_path):
    paths = draw_and_save(tmp_path)
    written = pd.read_csv(paths["csv"], encoding="utf-8")
    assert list(written.columns) == [*age_table().columns, "data_label"]
    assert (written["data_label"] == "SYNTHETIC DATA").all()
    pd.testing.assert_frame_equal(written.drop(columns="data_label"), age_table())
    assert b"\r\n" not in paths["csv"].read_bytes()


def test_csv_columns_must_be_snake_case(tmp_path):
    fig = bar_percent(age_table(), "age_group", "children_percent", title="Age")
    bad = age_table().rename(columns={"children_percent": "Children %"})
    with pytest.raises(ValueError, match="snake_case"):
        save_figure(fig, "bad", data=bad, alt_text="x", label="SYNTHETIC DATA", out_dir=tmp_path)


def test_alt_text_says_synthetic(tmp_path):
    alt = draw_and_save(tmp_path)["alt"].read_text(encoding="utf-8")
    assert alt.startswith("Horizontal bar chart: half of the children were under 1.")
    assert "synthetic" in alt.lower()
    assert "Source: test data" in alt


def test_alt_text_for_a_named_dataset_does_not_say_synthetic(tmp_path):
    alt = draw_and_save(tmp_path, label="Triennial 2011-14 coded cases")["alt"].read_text()
    assert "synthetic" not in alt.lower()
    assert "Triennial 2011-14 coded cases" in alt


@pytest.mark.parametrize("alt_text", ["", "   "])
def test_alt_text_is_required(tmp_path, alt_text):
    fig = bar_percent(age_table(), "age_group", "children_percent", title="Age")
    with pytest.raises(ValueError, match="alt_text"):
        save_figure(fig, "a", data=age_table(), alt_text=alt_text, label="x", out_dir=tmp_path)


@pytest.mark.parametrize("name", ["../escape", "sub/dir", ""])
def test_figure_name_must_be_a_plain_stem(tmp_path, name):
    fig = bar_percent(age_table(), "age_group", "children_percent", title="Age")
    with pytest.raises(ValueError, match="name"):
        save_figure(fig, name, data=age_table(), alt_text="a", label="x", out_dir=tmp_path)


def test_synthetic_stamp_is_in_the_svg_and_on_the_figure(tmp_path):
    fig = bar_percent(age_table(), "age_group", "children_percent", title="Age")
    paths = save_figure(
        fig, "stamped", data=age_table(), alt_text="a", label="SYNTHETIC DATA", out_dir=tmp_path
    )
    stamps = [t for t in fig.texts if t.get_gid() == "data-stamp"]
    assert [t.get_text() for t in stamps] == [SYNTHETIC_STAMP]
    assert stamps[0].get_fontweight() == "bold"
    svg = paths["svg"].read_text(encoding="utf-8")
    # Text stays text: the stamp is a <text> element a screen reader can read
    assert SYNTHETIC_STAMP in svg and "<text" in svg
    assert 'id="data-stamp"' in svg


def test_dataset_name_is_stamped_smaller():
    fig = bar_percent(age_table(), "age_group", "children_percent", title="Age")
    synthetic = stamp_figure(fig, "SYNTHETIC DATA")
    named = stamp_figure(fig, "Triennial 2011-14 coded cases")
    assert named.get_text() == "Data: Triennial 2011-14 coded cases"
    assert named.get_fontsize() < synthetic.get_fontsize()
    # Re-stamping replaces: one stamp only.
    assert [t.get_gid() for t in fig.texts].count("data-stamp") == 1


def test_label_is_required():
    fig = bar_percent(age_table(), "age_group", "children_percent", title="Age")
    with pytest.raises(ValueError, match="label"):
        stamp_figure(fig, " ")


def test_source_note_is_drawn_bottom_left():
    fig = bar_percent(age_table(), "age_group", "children_percent", title="Age")
    stamp_figure(fig, "SYNTHETIC DATA", source_note="Source: Sidebotham et al. (2016)")
    (note,) = [t for t in fig.texts if t.get_gid() == "source-note"]
    assert note.get_text() == "Source: Sidebotham et al. (2016)"
    fig.canvas.draw()
    box = note.get_window_extent().transformed(fig.transFigure.inverted())
    assert box.x0 < 0.1 and box.y1 < 0.1


def test_save_figure_closes_a_pyplot_figure(tmp_path):
    import matplotlib.pyplot as plt

    fig = plt.figure()
    fig.add_subplot().plot([1, 2], [3, 4])
    number = fig.number
    save_figure(fig, "pyplot", data=age_table(), alt_text="a", label="x", out_dir=tmp_path)
    assert number not in plt.get_fignums()


def test_default_out_dir_is_figures_dir(monkeypatch, tmp_path):
    monkeypatch.setattr(save_module, "FIGURES_DIR", tmp_path / "figures")
    fig = bar_percent(age_table(), "age_group", "children_percent", title="Age")
    paths = save_figure(fig, "default", data=age_table(), alt_text="a", label="x")
    assert paths["png"] == tmp_path / "figures" / "default.png"
    assert paths["png"].exists()


# --- plots ----------------------------------------------------------------------------------


def test_bar_percent_returns_a_figure_with_direct_labels():
    fig = bar_percent(age_table(), "age_group", "children_percent", title="Age")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert len(ax.patches) == 4
    labels = [t.get_text() for t in ax.texts]
    assert labels == ["51%", "28%", "13%", "8%"]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(age_table()["age_group"])
    assert not ax.get_legend()
    # First category at the top.
    widths = {p.get_width(): p.get_y() for p in ax.patches}
    assert widths[51.3] > widths[7.7]


def test_bar_percent_draws_whiskers_only_when_given():
    without = bar_percent(age_table(), "age_group", "children_percent", title="Age").axes[0]
    assert not [c for c in without.containers if isinstance(c, ErrorbarContainer)]

    ax = bar_percent(
        age_table(),
        "age_group",
        "children_percent",
        low="low_percent",
        high="high_percent",
        title="Age",
    ).axes[0]
    (whiskers,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    (segments,) = whiskers.lines[2]
    spans = sorted((s[0][0], s[1][0]) for s in segments.get_segments())
    expected = sorted(zip(age_table()["low_percent"], age_table()["high_percent"], strict=True))
    np.testing.assert_allclose(spans, expected)
    # With intervals the x axis is shown, so the whiskers can be read.
    assert ax.xaxis.get_visible()


def test_bar_percent_needs_both_interval_bounds():
    with pytest.raises(ValueError, match="both low and high"):
        bar_percent(age_table(), "age_group", "children_percent", low="low_percent", title="Age")


def test_suppressed_value_shows_its_marker_not_a_bar():
    table = age_table().assign(marker=["", "", "c", ""])
    table.loc[2, "children_percent"] = np.nan
    ax = bar_percent(table, "age_group", "children_percent", marker="marker", title="Age").axes[0]
    assert [t.get_text() for t in ax.texts][2] == "[c] suppressed"
    assert sorted(p.get_width() for p in ax.patches)[0] == 0


def test_grouped_bars_label_groups_directly():
    ax = grouped_bar_percent(
        timing_table(2), "factor", "timing", "children_percent", title="Risks"
    ).axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert "10%  at the time of the incident" in texts
    assert "17%  ever" in texts
    assert len(ax.patches) == 6
    assert ax.get_legend() is None


def test_grouped_bars_refuse_duplicate_rows():
    table = pd.concat([timing_table(2), timing_table(2).iloc[[0]]])
    with pytest.raises(ValueError, match="more than one row"):
        grouped_bar_percent(table, "factor", "timing", "children_percent", title="Dup")


def test_reference_markers_draw_labelled_lines():
    fig = bar_percent(age_table(), "age_group", "children_percent", title="Age")
    ax = fig.axes[0]
    texts = reference_markers(ax, {"published 12%": 12.0, "published 60%": 60.0})
    assert [t.get_text() for t in texts] == ["published 12%", "published 60%"]
    lines = [ln for ln in ax.get_lines() if ln.get_gid() == "reference-marker"]
    assert sorted(ln.get_xdata()[0] for ln in lines) == [12.0, 60.0]
    assert ax.get_xlim()[1] >= 60.0  # a reference outside the data is still in view


def test_reference_labels_do_not_overlap():
    fig = bar_percent(
        age_table(),
        "age_group",
        "children_percent",
        title="Age",
        reference={"published 43%": 43.0, "published 45%": 45.0},
    )
    fig.canvas.draw()
    a, b = (t.get_window_extent() for t in fig.axes[0].texts[-2:])
    assert not a.overlaps(b)


def years_table() -> pd.DataFrame:
    # 2006 missing altogether, 2008 present but NaN.
    return pd.DataFrame(
        {
            "year": [2003, 2004, 2005, 2007, 2008, 2009, 2010],
            "reviews_count": [90.0, 95.0, 100.0, 110.0, np.nan, 120.0, 125.0],
        }
    )


def test_line_series_keeps_nan_gaps_and_missing_years():
    ax = line_series(years_table(), "year", "reviews_count", title="Reviews").axes[0]
    (line,) = [ln for ln in ax.get_lines() if ln.get_gid() == "series-0"]
    x = np.asarray(line.get_xdata(), dtype=float)
    y = np.asarray(line.get_ydata(), dtype=float)
    np.testing.assert_array_equal(x, np.arange(2003, 2011))
    assert np.isnan(y[x == 2006]).all()  # a missing row is a gap, not interpolated
    assert np.isnan(y[x == 2008]).all()
    assert np.count_nonzero(np.isnan(y)) == 2


def test_line_series_labels_each_series_at_its_end():
    table = pd.concat(
        [
            years_table().assign(outcome="Death"),
            years_table().assign(
                outcome="Serious harm", reviews_count=lambda d: d.reviews_count / 2
            ),
        ]
    )
    ax = line_series(table, "year", "reviews_count", "outcome", title="Reviews").axes[0]
    labels = {t.get_text(): t for t in ax.texts}
    assert set(labels) == {"Death", "Serious harm"}
    assert labels["Death"].xy == (2010.0, 125.0)
    assert ax.get_legend() is None
    colours = [ln.get_color() for ln in ax.get_lines() if (ln.get_gid() or "").startswith("ser")]
    assert colours == ["#12436D", "#F46A25"]  # two series: the duo palette


def test_line_series_marks_isolated_points_without_markers():
    table = pd.DataFrame({"year": [2001, 2003, 2004], "n_count": [5.0, 6.0, 7.0]})
    ax = line_series(table, "year", "n_count", markers=False, title="Isolated").axes[0]
    (points,) = ax.collections
    np.testing.assert_array_equal(points.get_offsets(), [[2001, 5.0]])


def test_line_series_with_text_periods():
    table = pd.DataFrame(
        {"period": ["2003-05", "2005-07", "2007-09", "2009-11"], "n_count": [1.0, np.nan, 3, 4]}
    )
    ax = line_series(table, "period", "n_count", title="Periods").axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == list(table["period"])
    assert all(t.get_rotation() == 0 for t in ax.get_xticklabels())
    assert np.isnan(ax.get_lines()[0].get_ydata()[1])


def test_all_text_is_horizontal(tmp_path):
    fig = line_series(years_table(), "year", "reviews_count", ylabel="Reviews", title="Reviews")
    fig.canvas.draw()
    ax = fig.axes[0]
    texts = [*fig.texts, *ax.texts, ax.yaxis.label, *ax.get_xticklabels(), *ax.get_yticklabels()]
    assert texts and all(t.get_rotation() == 0 for t in texts)


def test_missing_column_is_a_clear_error():
    with pytest.raises(KeyError, match="not_there"):
        bar_percent(age_table(), "age_group", "not_there", title="Age")


def test_a_long_source_line_wraps_and_the_figure_grows_to_hold_it():
    short = "Source: coded case data."
    long = "Source: " + "; ".join(
        f"Author number {i} et al. (2016), via a publisher" for i in range(4)
    )
    fig = bar_percent(age_table(), "age_group", "children_percent", title="Age")
    height = fig.get_figheight()
    stamp_figure(fig, "SYNTHETIC DATA", short)
    assert fig.get_figheight() == height  # one line: the band new_figure keeps
    stamp_figure(fig, "SYNTHETIC DATA", long)
    note = next(t for t in fig.texts if t.get_gid() == "source-note")
    lines = note.get_text().split("\n")
    assert len(lines) >= 2 and " ".join(lines) == long
    grown = fig.get_figheight()
    assert grown > height
    stamp_figure(fig, "SYNTHETIC DATA", long)  # stamping again does not grow it again
    assert fig.get_figheight() == grown
    stamp_figure(fig, "SYNTHETIC DATA", short)  # and a short note gives the room back
    assert fig.get_figheight() == pytest.approx(height)
    stamp_figure(fig, "SYNTHETIC DATA", long)
    fig.canvas.draw()  # the wrapped note stays inside the figure, right edge and bottom
    drawn = next(t for t in fig.texts if t.get_gid() == "source-note")
    box = drawn.get_window_extent()
    assert box.x1 <= fig.bbox.x1 and box.y0 >= 0


@pytest.mark.parametrize(
    "note",
    [
        "Source: data/published (p2011_scrs).",
        "Sources: ofsted_* rows.",
        "Source: published_figures.csv",
    ],
)
def test_a_source_line_naming_a_folder_file_or_id_is_refused(tmp_path, note):
    fig = bar_percent(age_table(), "age_group", "children_percent", title="Age")
    with pytest.raises(ValueError, match="names publications"):
        save_figure(
            fig, "f", data=age_table(), alt_text="a", label="x", source_note=note, out_dir=tmp_path
        )


def test_palettes_are_the_analysis_function_palettes():
    from afcharts.af_colours import get_af_colours

    from analysis.charts.style import DUO, FOCUS, series_colours

    assert list(PALETTE) == get_af_colours("categorical")
    assert list(DUO) == get_af_colours("duo") == ["#12436D", "#F46A25"]
    assert list(FOCUS) == get_af_colours("focus")
    assert series_colours(2) == DUO and series_colours(4) == PALETTE[:4]


def _text_colours(fig):
    from matplotlib.colors import to_hex

    for ax in fig.axes:
        for text in ax.texts:
            if text.get_text().strip():
                yield text, to_hex(text.get_color()).upper()


def test_two_series_take_the_duo_palette_and_every_label_reads_at_4_5_to_1():
    from matplotlib.colors import to_hex

    from analysis.charts.style import DUO, TEXT_CONTRAST, contrast_ratio

    table = pd.DataFrame(
        {
            "year": [2018, 2019, 2020] * 2,
            "series": ["Alcohol"] * 3 + ["Drugs"] * 3,
            "percent": [13.0, 14.0, None, 12.0, 13.0, 13.5],
            "percent_marker": ["", "", "c", "", "", ""],
        }
    )
    fig = line_series(table, "year", "percent", "series", title="t", marker="percent_marker")
    lines = [to_hex(line.get_color()).upper() for line in fig.axes[0].lines if line.get_gid()]
    assert lines[:2] == list(DUO)
    texts = list(_text_colours(fig))
    assert texts, "the lines are labelled directly"
    for text, colour in texts:
        assert contrast_ratio(colour) >= TEXT_CONTRAST, (text.get_text(), colour)


def test_a_reference_for_one_category_crosses_that_bar_only():
    table = pd.DataFrame({"status": ["Not known", "Plan", "Looked after"], "pct": [20.0, 10, 5]})
    fig = bar_percent(
        table, "status", "pct", title="t", reference={"published 12%": 12}, reference_on="Plan"
    )
    ax = fig.axes[0]
    marks = [c for c in ax.collections if c.get_gid() == "reference-marker"]
    assert len(marks) == 1 and not [ln for ln in ax.lines if ln.get_gid() == "reference-marker"]
    (x0, y0), (x1, y1) = marks[0].get_segments()[0]
    assert x0 == x1 == 12 and sorted((y0, y1)) == pytest.approx([-1.48, -0.52])  # row 2 of 3
    assert any(t.get_text() == "published 12% (dashed line)" for t in ax.texts)
    with pytest.raises(ValueError, match="not a category"):
        bar_percent(table, "status", "pct", title="t", reference={"x": 1}, reference_on="Nope")
