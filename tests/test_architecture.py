"""The package's rooms keep to their imports (``analysis/*/__init__.py`` says what each may use).

Imports are read with :mod:`ast`, so a word in a docstring or comment does not count and an
import inside a function does.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

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
