"""The static HTML report (``python -m analysis report``): self-contained, offline, accessible.

Most tests read one report built from a real run: the notebooks are executed once per test
session (``python -m analysis reproduce`` into a temporary folder, about 40 s, shared by the
xdist workers). The browser test opens every page in headless Chromium; it is skipped when
Chromium, chromedriver or selenium is missing, except on CI (``CI`` set), where it fails.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pandas as pd
import pytest
from fakes import SCORECARD_ROW
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from own_files import expected_figures

from analysis.chapters.scorecard import SCORECARD_COLUMNS, summary
from analysis.paths import ROOT
from analysis.publish.checking import Written
from analysis.publish.run import FIGURE_METADATA_KEY
from analysis.site.build import MARKER, ReportError, build_report
from analysis.site.command import main
from analysis.site.contents import FigureFiles, NotebookPage
from analysis.site.layout import TEMPLATES_DIR, Site, render, stylesheet
from analysis.site.notebook_html import make_exporter

BANNER = "Synthetic data – not real cases"
REQUIRED_PAGES = ["figures.html", "data_register.html", "assumptions.html"]


# --------------------------------------------------------------------------------------------
# reading pages


class Page(HTMLParser):
    """The tags, ids, text and inline CSS of one HTML page."""

    def __init__(self, path: Path):
        super().__init__(convert_charrefs=True)
        self.path = path
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.ids: set[str] = set()
        self.css: list[str] = []
        self.text_parts: list[str] = []
        self._in = ""
        self.feed(path.read_text(encoding="utf-8"))
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v or "") for k, v in attrs}
        self.tags.append((tag, attrs))
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag in ("style", "script"):
            self._in = tag

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = ""

    def handle_data(self, data):
        if self._in == "style":
            self.css.append(data)
        elif not self._in:
            self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())

    def all(self, tag: str) -> list[dict[str, str]]:
        return [attrs for t, attrs in self.tags if t == tag]


def _is_remote(url: str) -> bool:
    url = url.strip().lower()
    return url.startswith(("http://", "https://", "//", "ftp://"))


def _local_target(page: Path, href: str) -> tuple[Path, str] | None:
    """The file and fragment a relative link points to (None for other schemes)."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    target = (page.parent / unquote(parts.path)) if parts.path else page
    return target, parts.fragment


def _broken_links(page: Page, root: Path) -> list[str]:
    broken = []
    for attrs in page.all("a"):
        href = attrs.get("href", "")
        found = _local_target(page.path, href)
        if found is None:
            continue
        target, fragment = found
        if not target.resolve().is_relative_to(root.resolve()):
            broken.append(f"{href} (outside the report)")
        elif not target.is_file():
            broken.append(f"{href} (no such file)")
        elif fragment and target.suffix == ".html" and fragment not in Page(target).ids:
            broken.append(f"{href} (no such anchor)")
    return broken


# --------------------------------------------------------------------------------------------
# a real run, once per session (shared by xdist workers)


def _reproduce(run: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "SCR_DATA"}
    env["SCR_OUTPUT_DIR"] = str(run)
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "reproduce"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    return {"returncode": done.returncode, "output": (done.stdout + done.stderr)[-4000:]}


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory) -> Path:
    """A run's folder (figures/, outputs/ with notebooks/) made by ``analysis reproduce``."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the session's folder, shared by the workers
    run, lock, status = base / "report-run", base / "report-run.lock", base / "report-run.json"
    try:
        lock.mkdir()  # atomic: the first worker here runs the notebooks, the others wait
    except FileExistsError:
        deadline = time.monotonic() + 1500
        while not status.exists():
            if time.monotonic() > deadline:
                pytest.fail("timed out waiting for another worker's `analysis reproduce`")
            time.sleep(0.5)
    else:
        result = _reproduce(run)
        tmp = status.with_suffix(".tmp")
        tmp.write_text(json.dumps(result), encoding="utf-8")
        tmp.replace(status)
    result = json.loads(status.read_text(encoding="utf-8"))
    if result["returncode"] != 0:
        pytest.fail(f"`python -m analysis reproduce` failed:\n{result['output']}", pytrace=False)
    return run


@pytest.fixture(scope="session")
def report(run_dir, tmp_path_factory) -> Path:
    """The report of that run (its folder)."""
    return build_report(run_dir, tmp_path_factory.mktemp("report") / "site").parent


@pytest.fixture(scope="session")
def pages(report) -> dict[str, Page]:
    return {p.name: Page(p) for p in sorted(report.glob("*.html"))}


# --------------------------------------------------------------------------------------------
# the report of a real run


def test_index_links_to_every_page_and_its_links_resolve(report, run_dir, pages):
    index = pages["index.html"]
    hrefs = {a.get("href", "") for a in index.all("a")}
    notebooks = sorted((run_dir / "outputs" / "notebooks").glob("*.ipynb"))
    assert len(notebooks) >= 8
    for page in REQUIRED_PAGES + [f"{nb.stem}.html" for nb in notebooks]:
        assert page in hrefs, f"index.html does not link to {page}"
        assert (report / page).is_file()
    assert _broken_links(index, report) == []


def test_every_link_on_every_page_resolves(report, pages):
    broken = {name: _broken_links(page, report) for name, page in pages.items()}
    assert {name: links for name, links in broken.items() if links} == {}


def test_every_image_exists_and_has_alt_text(report, pages):
    seen = 0
    for name, page in pages.items():
        for img in page.all("img"):
            src = img.get("src", "")
            assert src, f"{name}: <img> without src"
            assert img.get("alt", "").strip(), f"{name}: {src[:60]} has no alt text"
            if src.startswith("data:image/"):
                continue
            found = _local_target(page.path, src)
            assert found is not None and found[0].is_file(), f"{name}: missing image {src}"
            seen += 1
    assert seen >= 2 * len(list((report / "figures").glob("*.png")))  # gallery + notebook pages


def test_nothing_is_loaded_from_the_network(pages):
    """Links to sources in the text are fine; scripts, styles, fonts and images are not."""
    loads = []
    for name, page in pages.items():
        for tag, attrs in page.tags:
            for attr in ("src", "srcset", "data", "poster"):
                if _is_remote(attrs.get(attr, "")):
                    loads.append(f"{name}: <{tag} {attr}={attrs[attr]}>")
            if tag == "link" and _is_remote(attrs.get("href", "")):
                loads.append(f"{name}: <link href={attrs['href']}>")
            if tag == "script" and attrs.get("src"):
                loads.append(f"{name}: <script src={attrs['src']}>")
            if "url(" in attrs.get("style", "") and "http" in attrs["style"]:
                loads.append(f"{name}: style={attrs['style']}")
        css = "\n".join(page.css).lower()
        assert "@import" not in css, name
        for token in ("url(http", "url('http", 'url("http', "url(//"):
            assert token not in css.replace(" ", ""), f"{name}: {token} in CSS"
    assert loads == []


def test_every_page_is_english_has_the_nav_bar_and_the_synthetic_banner(pages):
    for name, page in pages.items():
        assert page.all("html")[0].get("lang") == "en", name
        navs = page.all("nav")
        assert navs and navs[0].get("aria-label"), f"{name} has no labelled nav bar"
        hrefs = {a.get("href") for a in page.all("a")}
        assert {"index.html", "figures.html", "data_register.html"} <= hrefs, name
        assert BANNER in page.text, f"{name} has no synthetic-data banner"
        assert page.all("main"), name


def test_index_shows_the_scorecard_summary_and_table(run_dir, pages):
    scorecard = pd.read_csv(run_dir / "outputs" / "scorecard.csv")
    text = pages["index.html"].text
    for line in summary(scorecard).splitlines():
        assert line in text
    assert "SYNTHETIC DATA" in text
    for figure_id in scorecard["figure_id"]:
        assert figure_id in text.replace("_ ", "_")
    # status in words as well as colour
    for words, status in [("Agrees (exact figure)", "agrees"), ("Differs", "differs")]:
        assert text.count(words) >= (scorecard["status"] == status).sum()
    assert "Not computable" in text
    captions = [c for t, c in pages["index.html"].tags if t == "caption"]
    assert len(captions) == 2


def _figures_saved(path: Path) -> list[str]:
    """Names of the figures a notebook's cells save with ``run.figure(fig, "name", ...)`` or
    ``run.figure(charts.some_chart(table), "name")``."""
    return expected_figures(path)


def _figures_recorded(path: Path) -> list[dict]:
    """What ``Run.figure`` recorded in a notebook's outputs about the figures its cells made."""
    cells = nbformat.read(path, as_version=4).cells
    return [
        output["metadata"][FIGURE_METADATA_KEY]
        for cell in cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if FIGURE_METADATA_KEY in output.get("metadata", {})
    ]


def test_executed_notebooks_record_every_figure_their_cells_saved(run_dir):
    """Each figure is recorded once, by name, with its alt text and files relative to the run."""
    notebooks = sorted((run_dir / "outputs" / "notebooks").glob("*.ipynb"))
    records = [record for path in notebooks for record in _figures_recorded(path)]
    names = [record["name"] for record in records]
    assert sorted(names) == sorted(p.stem for p in (run_dir / "figures").glob("*.png"))
    assert sorted(names) == sorted(name for path in notebooks for name in _figures_saved(path))
    for record in records:
        files = record["files"]
        assert files["png"] == f"figures/{record['name']}.png"
        for path in files.values():
            assert not Path(path).is_absolute() and (run_dir / path).is_file(), path
        alt = (run_dir / files["alt"]).read_text(encoding="utf-8")
        assert record["alt_text"] == alt.strip()
    for path in notebooks:
        assert str(run_dir) not in json.dumps(_figures_recorded(path)), path.name


def test_notebook_pages_show_the_figures_their_cells_saved(report, run_dir, pages):
    figures = {p.stem for p in (run_dir / "figures").glob("*.png")}
    for nb_path in sorted((run_dir / "outputs" / "notebooks").glob("*.ipynb")):
        page = pages[f"{nb_path.stem}.html"]
        shown = {Path(img["src"]).stem for img in page.all("img")}
        saved = set(_figures_saved(nb_path)) & figures
        # every chapter draws, but the scorecard: its verdicts are one computed sentence
        assert saved or nb_path.name.startswith("08_"), f"{nb_path.name} saves no figure?"
        assert saved <= shown, f"{nb_path.name}: not shown {sorted(saved - shown)}"
        recorded = {record["name"] for record in _figures_recorded(nb_path)}
        assert recorded == saved, nb_path.name
        assert "<Figure size" not in page.text, nb_path.name
        assert not page.all("script"), f"{nb_path.name}: scripts in the page"
        assert (report / "notebooks" / nb_path.name).is_file()


def test_gallery_shows_every_figure_with_its_alt_text_and_files(report, run_dir, pages):
    gallery = pages["figures.html"]
    images = {Path(img["src"]).stem: img for img in gallery.all("img")}
    hrefs = {a.get("href") for a in gallery.all("a")}
    pngs = sorted((run_dir / "figures").glob("*.png"))
    assert len(pngs) >= 10
    for png in pngs:
        name = png.stem
        alt = (run_dir / "figures" / f"{name}.alt.txt").read_text(encoding="utf-8")
        assert " ".join(images[name]["alt"].split()) == " ".join(alt.split())
        for suffix in (".png", ".svg", ".csv", ".alt.txt"):
            assert f"figures/{name}{suffix}" in hrefs, f"{name}{suffix} not linked"
            copied = report / "figures" / f"{name}{suffix}"
            assert copied.read_bytes() == (run_dir / "figures" / f"{name}{suffix}").read_bytes()


def test_data_register_and_assumptions_render_their_tables(pages):
    register, assumptions = pages["data_register.html"], pages["assumptions.html"]
    assert register.all("table") and register.all("th")
    assert "confidential" in register.text
    assert len(assumptions.all("table")) >= 3
    assert "A01" in assumptions.text and "S01" in assumptions.text
    assert "| id |" not in assumptions.text  # no Markdown table left unrendered


def test_rebuilding_gives_the_same_bytes_and_replaces_the_report(report, run_dir, tmp_path):
    again = build_report(run_dir, tmp_path / "again").parent
    stray = again / "stale.html"
    stray.write_text("old", encoding="utf-8")
    build_report(run_dir, again)
    assert not stray.exists()

    def files(folder: Path) -> dict[str, bytes]:
        return {
            p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }

    assert files(again) == files(report)


# --------------------------------------------------------------------------------------------
# small runs made by hand (fast)

PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def _record(name: str) -> dict:
    """The metadata ``Run.figure`` gives the output showing figure ``name``."""
    suffixes = {"png": ".png", "svg": ".svg", "csv": ".csv", "alt": ".alt.txt"}
    return {
        "name": name,
        "alt_text": "A single pixel, <standing> in for a chart.",
        "files": {kind: f"figures/{name}{suffix}" for kind, suffix in suffixes.items()},
    }


def _fake_run(root: Path, dataset: str = "SYNTHETIC DATA") -> Path:
    """A run with a two-row scorecard, one figure and one executed notebook."""
    (root / "outputs" / "notebooks").mkdir(parents=True)
    (root / "figures").mkdir()
    rows = [
        {c: "" for c in SCORECARD_COLUMNS} | SCORECARD_ROW | {"calibration_target": True},
        {c: "" for c in SCORECARD_COLUMNS}
        | {
            "figure_id": "p_two",
            "review_period": "2009-11",
            "measure": "y_count",
            "statement": "about 30",
            "published_value": "30",
            "status": "not computable",
            "calibration_target": False,
            "reason_kind": "period not in case data",
            "reason": "no case data for review period 2009-11",
        },
    ]
    table = pd.DataFrame(rows, columns=SCORECARD_COLUMNS)
    table.insert(0, "dataset", dataset)
    table.to_csv(root / "outputs" / "scorecard.csv", index=False)
    figures = root / "figures"
    (figures / "01_fake.png").write_bytes(PNG_1X1)
    (figures / "01_fake.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><title>A fake &amp; tiny chart</title></svg>',
        encoding="utf-8",
    )
    (figures / "01_fake.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (figures / "01_fake.alt.txt").write_text("A single pixel, <standing> in for a chart.")
    nb = new_notebook(
        cells=[
            new_markdown_cell("# 1. A fake chapter\n\nSome *text*."),
            # the cell's code does not name the figure: only the output's metadata says it
            new_code_cell(
                "chart_of(cases)",
                outputs=[
                    new_output(
                        "execute_result",
                        data={"text/plain": "<Figure size 800x400 with 1 Axes>"},
                        metadata={FIGURE_METADATA_KEY: _record("01_fake")},
                        execution_count=1,
                    )
                ],
            ),
            # and naming a figure in code without showing it pairs nothing
            new_code_cell('run.figure(fig, "01_fake", data=d);', outputs=[]),
        ]
    )
    nbformat.write(nb, root / "outputs" / "notebooks" / "01_fake.ipynb")
    if dataset != "SYNTHETIC DATA":  # an own-data run is reported only with its record
        _checking_record(root)
    return root


def _checking_record(root: Path) -> None:
    """The checking record a protected run would have, every file passed."""
    from analysis.files import file_sha256

    files = sorted(p for p in root.rglob("*") if p.is_file())
    outputs = [
        {
            "file": p.relative_to(root).as_posix(),
            "kind": "table",
            "status": "pass",
            "rules": [],
            "sha256": file_sha256(p),
        }
        for p in files
    ]
    (root / "checking").mkdir(exist_ok=True)
    record = {
        "dataset": "my_cases",
        "data_file": {"salted_sha256": "0" * 64},
        "rules": {"config": "analysis/publish/disclosure.yaml", "threshold": 5},
        "audit": {"summary": "Disclosure control: (a stand-in)."},
        "differencing": {"minimum_difference": 10, "earlier_runs": []},
        "outputs": outputs,
        "overall": "pass",
    }
    (root / "checking" / "results.json").write_text(json.dumps(record), encoding="utf-8")


def test_an_own_data_run_without_its_record_is_not_reported(tmp_path):
    """An interactive draft, or a run whose record was deleted: nothing vouches for its
    files, so no report is built from them (issue 20)."""
    run = _fake_run(tmp_path / "run", dataset="my_cases")
    (run / "checking" / "results.json").unlink()
    with pytest.raises(ReportError, match="no checking record"):
        build_report(run, tmp_path / "site")


TEMPLATES = sorted(p.name for p in TEMPLATES_DIR.glob("*.html.j2"))
#: Rendered by nbconvert's Jinja environment, not the report's (tested on its own below).
NBCONVERT_TEMPLATE = "notebook.html.j2"


def _template_context(tmp_path: Path) -> dict:
    """Everything any of the report's templates may ask for, with text that needs escaping."""
    from analysis.site.pages import scorecard_rows

    scorecard = pd.read_csv(_fake_run(tmp_path / "run") / "outputs" / "scorecard.csv")
    computable, not_computable = scorecard_rows(scorecard.fillna({"statement": ""}))
    fig = FigureFiles(
        name="01_fake",
        png=Path("01_fake.png"),
        svg=None,
        csv=Path("01_fake.csv"),
        alt_file=Path("01_fake.alt.txt"),
        alt="Bars <b>& lines</b>",
        title="A <fake> chart",
        size=(1600, 800),
    )
    nb = NotebookPage(Path("01_fake.ipynb"), "1. <Fake>", "1 Fake", errors=1, figures=["01_fake"])
    return {
        "site": Site(["SYNTHETIC DATA"], [nb]),
        "current": "index.html",
        "title": "Title <x>",
        "css": stylesheet(),
        "summary": ["2 of 3 <reproduced>", "more"],
        "computable": computable,
        "not_computable": not_computable,
        "calibrated": True,
        "figure_counts": {nb.page: 1},
        "n_figures_total": 1,
        "tables": ["a&b.csv"],
        "figures": [fig],
        "groups": [
            {"chapter": "01", "notebook": nb, "figures": [fig]},
            {"chapter": "02", "notebook": None, "figures": [fig]},
            {"chapter": "", "notebook": None, "figures": [fig]},
        ],
        "fig": fig,
        "in_gallery": True,
        "source": Path("docs/missing.md"),
        "content": None,
        "kit_path": "docs/missing.md",
        "page": nb,
        "table": {
            "name": "01_x",
            "file": "outputs/01_x.csv",
            "title": "Title <x>",
            "label": "Own <x>",
            "headers": ["<x> (number)"],
            "rows": [[{"text": "<b>& lines</b>", "number": False}]],
        },
        "fold": 25,
        "file": "outputs/<x>.csv",
        "notebook_tables": [Written("01_<x>", "outputs/01_<x>.csv")],
    }


@pytest.mark.parametrize("name", [t for t in TEMPLATES if t != NBCONVERT_TEMPLATE])
def test_every_template_renders_and_escapes_what_it_is_given(name, tmp_path):
    html = str(render(name, **_template_context(tmp_path)))
    for raw in ("<x>", "<b>& lines</b>", "<fake>", "<Fake>", "<reproduced>", "a&b.csv"):
        assert raw not in html, f"{name}: {raw!r} not escaped"
    if name in {"home.html.j2", "gallery.html.j2", "document.html.j2", "page.html.j2"}:
        page = tmp_path / "page.html"
        page.write_text(html, encoding="utf-8")
        parsed = Page(page)
        assert parsed.all("html")[0]["lang"] == "en" and parsed.all("main"), name
        assert "Title <x> – SCR reproduction kit" in html.replace("&lt;", "<").replace("&gt;", ">")
        assert BANNER in parsed.text and ":root" in "".join(parsed.css), name


def test_the_notebook_template_renders_in_nbconvert_without_scripts(tmp_path):
    assert NBCONVERT_TEMPLATE in TEMPLATES
    nb = new_notebook(cells=[new_markdown_cell("# 1. A chapter"), new_code_cell("1 + 1")])
    resources = {
        "metadata": {"name": "A chapter"},
        "scr_css": ".scr-test { color: red; }",
        "scr_header": "<header>HEADER</header>",
        "scr_intro": "<p>INTRO</p>",
        "scr_footer": "<footer>FOOTER</footer>",
    }
    body, _ = make_exporter().from_notebook_node(nb, resources=resources)
    path = tmp_path / "nb.html"
    path.write_text(body, encoding="utf-8")
    page = Page(path)
    assert ".scr-test" in "".join(page.css)
    assert [t for t, _ in page.tags].count("main") == 1
    assert page.text.index("HEADER") < page.text.index("INTRO") < page.text.index("1. A chapter")
    assert page.text.index("1. A chapter") < page.text.index("FOOTER")
    assert not page.all("script") or all(not s.get("src") for s in page.all("script"))


def test_a_run_without_a_scorecard_is_refused_with_advice(tmp_path):
    with pytest.raises(ReportError, match="reproduce"):
        build_report(tmp_path, tmp_path / "report")
    assert not (tmp_path / "report").exists()


def test_a_cell_that_saved_a_figure_shows_it_instead_of_its_repr(tmp_path):
    index = build_report(_fake_run(tmp_path / "run"), tmp_path / "site")
    page = Page(index.parent / "01_fake.html")
    [img] = page.all("img")  # once: by the recorded output, not by the code naming it
    assert img["src"] == "figures/01_fake.png"
    assert img["alt"] == "A single pixel, <standing> in for a chart."
    assert "<Figure size" not in page.text
    assert "1. A fake chapter" in page.text
    gallery = Page(index.parent / "figures.html")
    assert "A fake & tiny chart" in gallery.text
    assert (index.parent / MARKER).is_file()
    text = Page(index).text
    assert "45.0% (9 of 20)" in text and "−5.0" in text and "✓ Agrees (exact figure)" in text
    assert "0 to 9 of 20" in text
    assert "1 figure ·" in text
    assert BANNER in text


def test_an_own_data_report_has_no_calibration_column(tmp_path):
    """Calibration is a property of the synthetic data: an own-data scorecard drops the column,
    and the report shows neither the column nor the sentence about it."""
    run = _fake_run(tmp_path / "run", dataset="my_cases")
    card = pd.read_csv(run / "outputs" / "scorecard.csv").drop(columns="calibration_target")
    card.to_csv(run / "outputs" / "scorecard.csv", index=False)
    _checking_record(run)  # as the run that wrote it would have checked it
    text = Page(build_report(run, tmp_path / "site")).text
    assert "Calibration target" not in text and "agrees by construction" not in text
    synthetic = Page(build_report(_fake_run(tmp_path / "run2"), tmp_path / "site2")).text
    assert "Calibration target" in synthetic and "agrees by construction" in synthetic


def test_a_part_of_the_country_reads_so_and_a_withheld_verdict_keeps_its_statement(tmp_path):
    """Issue 21: a 70-review file's scorecard. The old page showed a withheld verdict as "? c"
    and no interval; counts of a part of the country now read "not comparable", a share shows
    the interval it was judged by, and the published statement stays beside a withheld row."""
    run = _fake_run(tmp_path / "run", dataset="my_cases")
    part = {"reviews_count": 70, "published_reviews": 293, "review_period": "2011-14"}
    rows = [
        {c: "" for c in SCORECARD_COLUMNS}
        | part
        | {
            "figure_id": "p2011_scrs",
            "measure": "scrs_count",
            "statement": "293 SCRs",
            "published_value": "293",
            "recomputed_value": 70.0,
            "status": "not comparable",
            "verdict": "not comparable (part of the country: 70 of 293 reviews)",
        },
        {c: "" for c in SCORECARD_COLUMNS}
        | part
        | {
            "figure_id": "p2011_cp_plan_current",
            "measure": "cp_plan_current_percent",
            "statement": "12% had a current child protection plan",
            "published_value": "12%",
            "recomputed_value": 100 * 5 / 70,
            "numerator": 5,
            "denominator": 70,
            "ci_low_percent": 3.09,
            "ci_high_percent": 15.66,
            "status": "consistent (interval)",
            "verdict": "consistent with 12%: 95% interval 3.1% to 15.7% (part of the country: "
            "70 of 293 reviews)",
        },
        {c: "" for c in SCORECARD_COLUMNS}
        | part
        | {
            "figure_id": "p2011_age_11_17",
            "measure": "age_11_17_percent",
            "statement": "28% of SCRs in the two oldest age groups",
            "published_value": "28%",
            "status": "c",
            "verdict": "c",
        },
    ]
    card = pd.DataFrame(rows, columns=SCORECARD_COLUMNS).drop(columns="calibration_target")
    card.insert(0, "dataset", "my_cases")
    card.to_csv(run / "outputs" / "scorecard.csv", index=False)
    _checking_record(run)
    text = Page(build_report(run, tmp_path / "site")).text
    assert "– Not comparable (part of the country) not comparable (part of the country: 70 of " in (
        text
    )
    assert "71.4% ≈ Consistent (95% interval)" not in text  # a share is shown as a share
    assert "7.1% (5 of 70) 95% interval 3.1% to 15.7%" in text
    assert "consistent with 12%: 95% interval 3.1% to 15.7%" in text
    assert "28% of SCRs in the two oldest age groups 28%" in text
    assert "[c] Withheld (disclosure control)" in text and "? c" not in text
    assert "For 2011-14 the file holds 70 of the 293 reviews the report analysed" in text


def test_a_notebook_that_stopped_with_an_error_is_flagged(tmp_path):
    run = _fake_run(tmp_path / "run")
    path = run / "outputs" / "notebooks" / "01_fake.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].outputs.append(
        new_output("error", ename="ValueError", evalue="no such column", traceback=[])
    )
    nbformat.write(nb, path)
    index = build_report(run, tmp_path / "site")
    assert "Stopped with an error" in Page(index).text
    assert "This notebook stopped with an error" in Page(index.parent / "01_fake.html").text


def test_own_data_is_labelled_and_not_called_synthetic(tmp_path):
    index = build_report(_fake_run(tmp_path / "run", dataset="my_cases"), tmp_path / "site")
    for path in index.parent.glob("*.html"):
        text = Page(path).text
        assert BANNER not in text, path.name
        assert "my_cases" in text, path.name


def test_a_folder_that_is_not_a_report_is_never_replaced(tmp_path):
    run = _fake_run(tmp_path / "run")
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.docx").write_text("years of work", encoding="utf-8")
    with pytest.raises(ReportError, match="not a report folder"):
        build_report(run, precious)
    assert (precious / "thesis.docx").read_text(encoding="utf-8") == "years of work"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["precious", "run"]


def test_command_line(tmp_path, capsys):
    run = _fake_run(tmp_path / "run")
    assert main(["--run", str(run), "--out", str(tmp_path / "site")]) == 0
    assert "Report written to" in capsys.readouterr().out
    assert (tmp_path / "site" / "index.html").is_file()
    assert main(["--run", str(tmp_path / "nothing")]) == 1
    assert "make reproduce" in capsys.readouterr().err


def test_default_report_folder_is_inside_the_run(tmp_path, monkeypatch):
    run = _fake_run(tmp_path / "run")
    monkeypatch.setenv("SCR_OUTPUT_DIR", str(run))
    assert build_report() == run / "report" / "index.html"


def test_report_folder_is_ignored_by_git():
    if shutil.which("git") is None:
        pytest.skip("git not installed")
    done = subprocess.run(
        ["git", "check-ignore", "-q", "--no-index", "report/index.html"],
        cwd=ROOT,
        capture_output=True,
    )
    assert done.returncode == 0


# --------------------------------------------------------------------------------------------
# a real browser

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,900",
]
NETWORK_SCHEMES = {"http", "https", "ws", "wss", "ftp"}
MAX_SCREENSHOT_HEIGHT = 16000  # px; Chromium cannot capture much taller pages in one image


def _on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _find(path: str, name: str) -> str | None:
    return path if Path(path).is_file() else shutil.which(name)


def _browser_or_skip(tmp_path: Path):
    """A headless Chromium driven by chromedriver; skip without one (fail on CI)."""
    problems = []
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        problems.append("selenium is not installed (pip install selenium)")
    chromium = _find("/usr/bin/chromium", "chromium")
    driver_path = _find("/usr/bin/chromedriver", "chromedriver")
    if chromium is None:
        problems.append("Chromium is not installed (Debian: apt-get install chromium)")
    if driver_path is None:
        problems.append("chromedriver is not installed (Debian: apt-get install chromium-driver)")
    if problems:
        reason = "browser test needs a browser: " + "; ".join(problems)
        if _on_ci():
            pytest.fail(f"{reason}. CI is set, so this test must not be skipped.", pytrace=False)
        pytest.skip(reason)
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in CHROMIUM_ARGS + [f"--user-data-dir={tmp_path / 'chromium-profile'}"]:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(driver_path), options=options)


def _screenshot(driver, path: Path) -> None:
    """A full-page PNG (as tall as the page, up to MAX_SCREENSHOT_HEIGHT)."""
    width, height = driver.execute_script(
        "return [document.documentElement.clientWidth, document.documentElement.scrollHeight]"
    )
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {
                "x": 0,
                "y": 0,
                "width": width,
                "height": min(height, MAX_SCREENSHOT_HEIGHT),
                "scale": 1,
            },
        },
    )
    path.write_bytes(base64.b64decode(shot["data"]))


def _requests(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


@pytest.mark.browser
def test_every_page_renders_in_a_real_browser(report, tmp_path):
    driver = _browser_or_skip(tmp_path)
    shots = Path(os.environ.get("SCR_REPORT_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    problems = []
    try:
        driver.get("about:blank")  # and forget what the browser's start page loaded
        driver.get_log("performance")
        driver.get_log("browser")
        for page in sorted(report.glob("*.html")):
            driver.get(page.as_uri())
            deadline = time.monotonic() + 30
            while driver.execute_script("return document.readyState") != "complete":
                if time.monotonic() > deadline:
                    problems.append(f"{page.name}: did not finish loading")
                    break
                time.sleep(0.1)
            images = driver.execute_script(
                "return Array.from(document.images).map("
                "i => [i.getAttribute('src'), i.complete, i.naturalWidth])"
            )
            for src, complete, natural_width in images:
                if not (complete and natural_width > 0):
                    problems.append(f"{page.name}: image not shown: {src[:80]}")
            for entry in driver.get_log("browser"):
                if entry["level"] == "SEVERE":
                    problems.append(f"{page.name}: console: {entry['message']}")
            for url in _requests(driver):
                if urlsplit(url).scheme in NETWORK_SCHEMES:
                    problems.append(f"{page.name}: loaded {url}")
            title = driver.title
            if not title.strip():
                problems.append(f"{page.name}: no title")
            _screenshot(driver, shots / f"{page.stem}.png")
    finally:
        driver.quit()
    assert not problems, "\n".join(problems)
    assert len(list(shots.glob("*.png"))) == len(list(report.glob("*.html")))
