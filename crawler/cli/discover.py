"""``discover``: sites that are not in the sources file but that the archive's pages link to, name
as their source, or hold copies on; each with its evidence and the command that adds it."""

from __future__ import annotations

import click

from crawler.cli.common import Context, emit, format_option, pass_ctx, user_errors
from crawler.cli.sources import _command
from crawler.render.leads import leads_text
from crawler.sources import load_sources
from storage.reports.leads import leads


@click.command()
@click.option("--limit", type=click.IntRange(min=1), help="Only the strongest N leads.")
@format_option
@pass_ctx
@user_errors
def discover(ctx: Context, limit: int | None, fmt: str) -> None:
    """Candidate sources: sites outside the sources file that the archive's current versions link to
    (article URLs, from at least two pages), name as their source ("originally published on X",
    "Source: X"), or where `mirrorwatch scan` found copies of archived pages (its discovered sources);
    strongest first, each with its evidence and the `sources add` command that sets it up.

    \b
    Example:
      mirrorwatch discover --limit 10
      mirrorwatch discover --format json
    """
    configured = {name: source.origin for name, source in load_sources(ctx.sources).items()}
    archive = ctx.archive()
    try:
        with archive.session() as s:
            data = leads(s, configured, limit=limit)
    finally:
        archive.engine.dispose()
    for row in data["leads"]:
        row["command"] = _command(ctx, "sources", "add", row["name"], row["url"], "--role", row["role"])
    emit(fmt, data, leads_text)


__all__ = ["discover"]
