"""``mirrorwatch report``: the monitoring report (``storage.reports.monitor``) as text, JSON or HTML.

Text output is sections of short wrapped lines (rich), readable at 80 columns, in colour on
a terminal; scraped text is printed with markup off.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from crawler.cliutil import Context, emit, output_option, pass_ctx, report_format_option, user_errors
from storage.reports.monitor import monitor_html, monitor_report
from storage.types import utcnow

_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(value: str, now: datetime) -> datetime:
    """``24h``, ``7d``, ``30m``, ``2w`` before ``now``, or an ISO date or time (UTC unless it says)."""
    if m := _DURATION.match(value):
        return now - timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise click.ClickException(
            f"--since {value!r}: expected a duration such as 24h, 7d, 30m or a date such as 2026-01-31"
        ) from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


@click.command()
@click.option("--since", default="24h", show_default=True,
              help="Start of the period: a duration back from now (30m, 24h, 7d, 2w) or an ISO date/time.")
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
    data = monitor_report(ctx.archive(), since=parse_since(since, now), until=now, source=source,
                          min_significance=min_significance)
    emit(fmt, data, report_text, monitor_html, output)


def report_text(console: Console, data: dict) -> None:
    period = f"{_when(data['since'])} → {_when(data['until'])} UTC"
    scope = "".join([f", source {data['source']}" if data["source"] else "",
                     f", significance ≥ {data['min_significance']:g}" if data["min_significance"] else ""])
    console.print(Text(f"mirrorwatch report {period}{scope}", style="bold"))
    changed = [c for c in data["changed"] if c["class"] != "flapping"]
    flapping = [c for c in data["changed"] if c["class"] == "flapping"]
    _section(console, "Changed", changed, _change)
    _section(console, "Flapping between two texts", flapping, _flap)
    _section(console, "New", data["new"], lambda c, n: _item(c, "+", "green", n["title"], n["url"], n["source"]))
    _section(console, "Gone", data["gone"], lambda c, g: _item(c, "x", "red", g["title"], g["url"], g["source"]))
    _section(console, "New copies", data["new_copies"], _copy)
    _section(console, "Copies that changed", data["diverged_copies"], _copy)
    _section(console, "Crawl health", data["health"], _health, empty="no crawls in this period")


def _section(console: Console, title: str, items: list[dict], show, empty: str | None = None) -> None:
    if not items and empty is None:
        return
    console.print()
    console.print(Text(f"{title} ({len(items)})" if items else title, style="bold underline"))
    if not items:
        console.print(Text(empty, style="dim"))
    for item in items:
        show(console, item)


def _entry(console: Console, mark: str, style: str, heading: Text, detail: str,
           lines: list[Text] = ()) -> None:
    """One entry: a mark, then its heading, a dim detail line and further lines, all wrapped
    inside the column right of the mark (a hanging indent)."""
    body = [heading, Text(detail, style="dim", overflow="fold")]
    body += [Padding(line, (0, 0, 0, 2)) for line in lines]
    grid = Table.grid()
    grid.add_column(width=2, no_wrap=True)
    grid.add_column()
    grid.add_row(Text(mark, style=style + " bold"), Group(*body))
    console.print(grid)


def _item(console: Console, mark: str, style: str, title: str | None, url: str, source: str) -> None:
    _entry(console, mark, style, Text(title or url, style="bold"), f"{url} ({source})")


_CLASS_STYLE = {"typo": "dim", "extractor-changed": "dim", "numbers-or-dates": "yellow", "title": "cyan",
                "paragraphs-added": "green", "paragraphs-removed": "red", "rewrite": "magenta",
                "truncated": "red", "correction-appended": "yellow", "revert": "blue", "flapping": "blue"}
_LINE_STYLE = {"+": "green", "-": "red", "~": "yellow"}


def _change(console: Console, c: dict) -> None:
    style = _CLASS_STYLE.get(c["class"], "")
    versions = f"v{c['previous']}→v{c['version']}" + (f", back to v{c['reverts_to']}" if c.get("reverts_to") else "")
    heading = Text.assemble((f"{c['class']} {c['significance'] or 0:.2f} ", style + " bold"),
                            (c["title"] or c["url"], "bold"), f" ({versions})")
    lines = [Text(line, style=_LINE_STYLE.get(line[:1], "")) for line in c["diff"]]
    _entry(console, "~", style, heading, f"{c['url']} ({c['source']})", lines)


def _flap(console: Console, c: dict) -> None:
    f = c["flapping"]
    heading = Text.assemble((c["title"] or c["url"], "bold"),
                            f" (versions {f['between'][0]} and {f['between'][1]}, {f['flips']} flips)")
    lines = [Text(line, style="dim") for line in c["diff"]]
    _entry(console, "⇄", "blue", heading, f"{c['url']} ({c['source']})", lines)


def _copy(console: Console, c: dict) -> None:
    what = c["relation"] + (f", {c['changed']} changed" if "changed" in c else "")
    if c.get("diverged"):
        what += ", no longer follows its original"
    heading = Text.assemble((c["url"], "bold"), f" ({c['source']}): {what}")
    _entry(console, "=", "cyan", heading,
           f"copy of {c['original_url']} ({c['original_source']}), {c['coverage']:.0%} of it")


def _health(console: Console, h: dict) -> None:
    run = h["last_run"]
    figures = (f"{run['fetched']} fetched, {run['new_version']} new versions, {run['error']} errors"
               if run else "no crawl")
    warning = h["status"] == "warning"
    style = "red" if warning else "green"
    lines = [Text(w, style="red") for w in h["warnings"]]
    lines += [Text(f"{p['url']} ({p['kept']:.0%} of the text kept)", style="dim") for p in h["pages"]]
    _entry(console, "!" if warning else "✓", style, Text.assemble((h["source"], "bold"), f" {h['status']}"),
           f"{h['url']}: {figures}", lines)


def _when(iso: str) -> str:
    return iso[:16].replace("T", " ")
