"""The library's shape: rooms keep to their imports, drawing stays in charts, and content
(markup, styles) lives in data files beside the code.

Imports are read with :mod:`ast`, so a word in a docstring or comment does not count and an
import inside a function does.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from analysis.paths import PACKAGE_DIR

#: An HTML element, opening or closing (``<td``, ``</div>``); not ``<run>`` or ``<NA>``.
HTML_TAG = re.compile(
    r"</?(?:html|head|body|meta|link|style|script|title|header|footer|main|nav|section|div|span|"
    r"p|a|ul|ol|li|dl|dt|dd|table|caption|thead|tbody|tfoot|tr|th|td|figure|figcaption|img|"
    r"details|summary|h[1-6]|code|pre|strong|em|cite|br|wbr|hr|small|svg|form|input|button|"
    r"label|iframe|blockquote)\b",
    re.IGNORECASE,
)
#: A CSS rule: a selector, then a declaration in braces (``.scr-page { margin: 0; }``).
CSS_RULE = re.compile(r"[\w\]):*.#-]\s*\{\s*[a-z-]+\s*:\s*[^;{}]+;")
#: String literals allowed to hold markup, by file: the codebook's Markdown needs a line break
#: inside a table cell, which has no Markdown form.
ALLOWED = {("casedata/dictionary.py", "<br>")}


def _strings(tree: ast.AST) -> list[ast.Constant]:
    """Every string literal in a module but docstrings (which may show markup as an example)."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        if id(node) not in docstrings
    ]


def test_no_html_or_css_in_python():
    """HTML is in ``site/templates/*.html.j2`` and CSS in ``site/static/*.css``, not in code."""
    found = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        rel = path.relative_to(PACKAGE_DIR).as_posix()
        for node in _strings(ast.parse(path.read_text(encoding="utf-8"))):
            match = HTML_TAG.search(node.value) or CSS_RULE.search(node.value)
            if match and (rel, node.value) not in ALLOWED:
                found.append(f"{rel}:{node.lineno}: {match.group(0)!r} in {node.value[:60]!r}")
    assert found == [], "markup or styles in Python (move them to a template):\n" + "\n".join(found)


def test_the_markup_patterns_catch_markup_and_not_prose():
    """The patterns find what the report's old builder held (and not prose like ``<run>``)."""
    samples = {
        '"<td class=\\"long\\">"': True,
        'f"<h2>{title}</h2>"': True,
        '"</table></div>"': True,
        '".scr-page { margin: 0; }"': True,
        '"writes to <run>/report, <NA> if missing"': False,
        '"{name}: {value:.1f}; done"': False,
    }
    for source, is_markup in samples.items():
        strings = [node.value for node in _strings(ast.parse(f"x = {source}"))]
        hit = any(HTML_TAG.search(text) or CSS_RULE.search(text) for text in strings)
        assert hit == is_markup, source


ANALYSIS = Path(__file__).resolve().parents[1] / "analysis"
CHARTS = ANALYSIS / "charts"

#: Only the charts room draws.
DRAWING_LIBRARIES = ("matplotlib", "seaborn")
#: Rooms above the charts room: charts may not import them.
ABOVE_CHARTS = (
    "analysis.chapters",
    "analysis.stats",
    "analysis.publish",
    "analysis.pipeline",
    "analysis.site",
    "analysis.teaching",
    "analysis.cli",
)


def _imported_modules(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    """(line, module) of every import in a file, absolute and relative, at any depth.

    ``source`` stands in for the file's text (to test this reader without writing a file).
    """
    if source is None:
        source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    package = ".".join(path.relative_to(ANALYSIS.parent).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            # Each name in full: "from analysis import cli" imports the module analysis.cli.
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def _within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(f"{p}.") for p in packages)


def _modules(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def test_charts_architecture_only_charts_imports_drawing_libraries():
    offenders = [
        f"{path.relative_to(ANALYSIS.parent)}:{line} imports {module}"
        for path in _modules(ANALYSIS)
        if CHARTS not in path.parents
        for line, module in _imported_modules(path)
        if _within(module, DRAWING_LIBRARIES)
    ]
    assert not offenders, "draw in analysis/charts/, not here:\n" + "\n".join(offenders)


def test_charts_architecture_charts_import_nothing_above_them():
    offenders = [
        f"{path.relative_to(ANALYSIS.parent)}:{line} imports {module}"
        for path in _modules(CHARTS)
        for line, module in _imported_modules(path)
        if _within(module, ABOVE_CHARTS)
    ]
    assert not offenders, "charts take numbers as arguments instead:\n" + "\n".join(offenders)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import matplotlib.pyplot as plt", True),
        ("def f():\n    from matplotlib.figure import Figure", True),
        ("from seaborn import lineplot", True),
        ('"""Draws with matplotlib."""', False),
        ("import matplotlibish", False),
    ],
)
def test_charts_architecture_reads_imports_not_words(source, expected):
    modules = [m for _, m in _imported_modules(ANALYSIS / "chapters" / "probe.py", source)]
    assert any(_within(m, DRAWING_LIBRARIES) for m in modules) is expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from analysis.chapters.overview import OUTCOME_GROUPS", True),
        ("from analysis import cli", True),
        ("from ..stats import tables", True),
        ("from .style import PALETTE", False),
        ("from analysis.casedata.labels import SYNTHETIC_LABEL", False),
    ],
)
def test_charts_architecture_resolves_relative_and_package_imports(source, expected):
    modules = [m for _, m in _imported_modules(CHARTS / "probe.py", source)]
    assert any(_within(m, ABOVE_CHARTS) for m in modules) is expected


#: Each room and the rooms it may import (docs/architecture.md; ``analysis/*/__init__.py``).
ROOM_IMPORTS = {
    "paths": set(),
    "errors": set(),
    "casedata": {"paths", "errors"},
    "reference": {"paths", "errors"},
    "stats": {"paths", "errors", "casedata"},
    "synthetic": {"paths", "errors", "casedata", "stats", "reference"},
    "chapters": {"paths", "errors", "casedata", "reference", "stats", "synthetic"},
    "charts": {"paths", "errors", "casedata"},
    "publish": {"paths", "errors", "casedata", "stats", "charts"},
    "pipeline": {"paths", "errors", "casedata", "stats", "charts", "publish", "chapters"},
    "site": {"paths", "errors", "casedata", "stats", "charts", "publish", "reference", "chapters"},
    "teaching": {"paths", "errors", "casedata", "stats", "charts", "publish"},
    "coding": {"paths", "errors", "casedata"},
}


def _room(module: str) -> str | None:
    """The room a module is in (``analysis.stats.tables`` -> ``stats``); the package's own
    metadata (``analysis.__version__``) and public API (``analysis.load_cases``) are no room."""
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "analysis" or parts[1] not in ROOM_IMPORTS:
        return None
    return parts[1]


@pytest.mark.parametrize("room", sorted(ROOM_IMPORTS))
def test_rooms_import_only_downwards(room):
    path = ANALYSIS / room
    files = sorted(path.rglob("*.py")) if path.is_dir() else [ANALYSIS / f"{room}.py"]
    wrong = []
    for file in files:
        for line, module in _imported_modules(file, file.read_text(encoding="utf-8")):
            target = _room(module)
            if target and target != room and target not in ROOM_IMPORTS[room]:
                wrong.append(f"{file.relative_to(ANALYSIS)}:{line} imports {module}")
    assert not wrong, "\n".join(wrong)


def test_no_module_is_longer_than_500_lines():
    long = {
        str(p.relative_to(ANALYSIS)): n
        for p in ANALYSIS.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert not long, long


# --- what a notebook's kernel pays to import (issue 14: a forced reproduce twice as fast) ----
#: What every chapter imports before its first result, and what that must not pull in: pandera
#: (validation happens once, in `reproduce`; kernels reuse it), scipy.stats and statsmodels'
#: formula interface (about a second each, for the few notebooks that test or fit a model),
#: and the disclosure audit's linear programming (own data only).
CHAPTER_IMPORTS = (
    "from analysis import load_cases; import analysis.stats.tables, analysis.stats.units, "
    "analysis.charts, analysis.publish.run, analysis.chapters.overview, "
    "analysis.chapters.scorecard, analysis.chapters.families, analysis.chapters.themes"
)
HEAVY = ("pandera", "scipy.stats", "scipy.optimize", "statsmodels.formula.api", "seaborn")


@pytest.mark.parametrize(
    ("code", "absent"),
    [
        (CHAPTER_IMPORTS, HEAVY),
        # the command line answers --help (and starts a run) without pandas
        ("import analysis.cli; analysis.cli.build_parser()", ("pandas", "matplotlib", *HEAVY)),
    ],
    ids=["chapter notebook", "command line"],
)
def test_heavy_libraries_load_only_where_they_are_used(code, absent):
    import subprocess
    import sys

    check = f"import sys; {code}; print(sorted(m for m in {absent!r} if m in sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"


def test_every_content_file_parses_the_same_with_the_c_and_the_python_yaml_parser():
    # read_yaml takes libyaml's parser for speed; it must build what the reference parser does
    import yaml

    from analysis.content import read_yaml

    files = sorted(PACKAGE_DIR.rglob("*.yaml"))
    assert len(files) >= 8
    for path in files:
        assert read_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8")), path.name
