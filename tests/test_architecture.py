"""The library's shape: content (markup, styles) lives in data files beside the code."""

from __future__ import annotations

import ast
import re

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
