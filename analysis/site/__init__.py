"""The static HTML report of a run: the builder, its Jinja templates and stylesheet.

- ``build``: :func:`~analysis.site.build.build_report`, the whole report folder;
- ``contents``: what a run holds (figures, executed notebooks and the figures their cells made);
- ``layout``: the templates' environment, the stylesheet, what every page shares;
- ``pages``: the index (scorecard), the figures gallery, the Markdown documents;
- ``markdown``: the kit's Markdown as HTML;
- ``notebook_html``: a page per executed notebook (nbconvert);
- ``command``: ``python -m analysis report``.

Markup is in ``templates/*.html.j2`` and styles in ``static/report.css``, never in the code.

May import: ``publish`` and below. Nothing below imports it.
"""
