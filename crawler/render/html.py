"""HTML for people: the monitoring report, diffs, copies and comparisons as self-contained pages.

One Jinja2 environment with autoescaping on, over ``crawler/render/templates``: every
scraped string is escaped. The dashboard (``crawler.web``) extends the same ``base.html``.
"""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

from storage.reports.diff import CONTEXT, collapsed
from storage.text.diff import ChangeSummary

ENV = Environment(loader=PackageLoader("crawler.render", "templates"), autoescape=select_autoescape(default=True))


def monitor_html(report: dict) -> str:
    """The monitoring report (``storage.reports.monitor``)."""
    return ENV.get_template("monitor.html").render(r=report)


def diff_html(report: dict, context: int = CONTEXT) -> str:
    """Two versions of a page (``storage.reports.diff``), ``context`` unchanged paragraphs around each change."""
    return ENV.get_template("diff_report.html").render(r=report, blocks=collapsed(report, context),
                                                       summary=ChangeSummary(**report["summary"]).describe())


def compare_html(report: dict) -> str:
    """A copy beside its original (``storage.reports.copies.compare_report``)."""
    return ENV.get_template("compare.html").render(r=report)


def copies_html(report: dict) -> str:
    """Where a page was republished (``storage.reports.copies.copies_report``)."""
    return ENV.get_template("copies.html").render(r=report)
