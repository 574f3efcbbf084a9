"""``mirrorwatch report``: the monitoring report (``storage.reports.monitor``) as text, JSON or HTML."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.cli.common import Context, emit, output_option, pass_ctx, report_format_option, user_errors
from crawler.render.html import monitor_html
from crawler.render.report import report_text
from storage.reports.monitor import monitor_report
from storage.types import utcnow
from storage.when import WHEN_HELP, parse_when


@click.command()
@click.option("--since", default="24h", show_default=True, help=f"Start of the period, in the past: {WHEN_HELP}.")
@click.option("--source", help="Only this source (and copies involving it).")
@click.option("--min-significance", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Leave out changes less significant than this (0: a fixed typo counts too; 1: only the gravest).")
@report_format_option
@output_option
@pass_ctx
@user_errors
def report(ctx: Context, since: str, source: str | None, min_significance: float, fmt: str,
           output: Path | None) -> None:
    """New, changed and gone articles, new and changed copies, and crawl health.

    \b
    Example:
      mirrorwatch report --since 7d --min-significance 0.3
      mirrorwatch report --since 2026-01-01 --source example-news --format html -o report.html
    """
    now = utcnow()
    start = parse_when(since, now=now, past=True)  # a bad time is the error, whatever --db says
    data = monitor_report(ctx.archive().session, since=start, until=now, source=source,
                          min_significance=min_significance)
    emit(fmt, data, report_text, monitor_html, output)
