"""``sources``: the configured sites and how their crawls went, and the sites scans discovered
(``mirrorwatch scan``) that are not configured yet; ``sources add`` sets up a new
site, ``sources test`` shows what a crawl of one would take for articles, before crawling."""

from __future__ import annotations

import shlex
from datetime import UTC, datetime

import click

from crawler.cli.common import Context, emit, format_option, pass_ctx, user_errors
from crawler.render import sources as render
from crawler.sources import DEFAULT_SOURCES, Source, load_sources
from storage.archive import Archive, discovered
from storage.archive.recheck import RecheckLimits
from storage.db import NoArchive
from storage.reports.overview import overview
from storage.urls import normalize_url


@click.group(invoke_without_command=True)
@click.option("--check", is_flag=True, help="Only validate the file; exit 1 on the first error.")
@format_option
@pass_ctx
@user_errors
def sources(ctx: Context, check: bool, fmt: str) -> None:
    """List the configured sources, with each one's last run, pages and pages due now (or check the
    file); then the sources scans discovered that the file does not hold, with the command adding each.

    \b
    Example:
      mirrorwatch --sources sources.toml sources --check
      mirrorwatch sources add gazette https://news.example.org/
      mirrorwatch sources test gazette
    """
    if click.get_current_context().invoked_subcommand is not None:
        return
    loaded = load_sources(ctx.sources)
    if check and fmt == "text":
        click.echo(f"{ctx.sources}: {len(loaded)} source{'s' if len(loaded) != 1 else ''}, all valid")
        return
    data = {"sources": [s.as_dict() for s in loaded.values()]}
    archive = None if check else _existing_archive(ctx)
    if archive is not None:
        status = archive_status(archive, list(loaded.values()))
        data["sources"] = [row | status[row["name"]] for row in data["sources"]]
        data["discovered"] = discovered_rows(ctx, archive, list(loaded.values()))
        archive.engine.dispose()
    emit(fmt, data, render.sources_text)


@sources.command("add", short_help="Set up a new site: its sitemaps, feeds and an allow pattern.")
@click.argument("name")
@click.argument("url")
@click.option("--role", type=click.Choice(["origin", "mirror"]), default="origin", show_default=True,
              help="origin publishes its own articles; mirror republishes others'.")
@format_option
@pass_ctx
@user_errors
def add(ctx: Context, name: str, url: str, role: str, fmt: str) -> None:
    """Set up the site at URL as source NAME: find its sitemaps and feeds, propose an allow pattern,
    and append the source to the sources file (created if missing; comments and order kept).

    \b
    Example:
      mirrorwatch sources add gazette https://news.example.org/
      mirrorwatch sources add gazette-copies https://blog.example.net/ --role mirror
    """
    from crawler.probe.site import add_site  # Scrapy is slow to import

    data = _probing(lambda: add_site(ctx.sources, name, url, role=role))
    data["next"] = _command(ctx, "sources", "test", name)
    emit(fmt, data, render.add_text(data))


@sources.command("test", short_help="Which URLs a crawl would take for articles, before crawling.")
@click.argument("name")
@format_option
@pass_ctx
@user_errors
def test(ctx: Context, name: str, fmt: str) -> None:
    """Read source NAME's start pages, sitemaps and feeds (no article) and show which URLs its
    crawl would take for articles by allow/deny, which not, and which pages it would follow for links.

    \b
    Example:
      mirrorwatch sources test gazette
    """
    from crawler.probe.site import probe_source

    data = _probing(lambda: probe_source(ctx.sources, name))
    emit(fmt, data, render.test_text(data))


def archive_status(archive: Archive, chosen: list[Source], now: datetime | None = None) -> dict[str, dict]:
    """Each source's last run, pages in the archive, and pages due now (as ``crawl --due`` picks them)."""
    now = now or datetime.now(UTC)
    with archive.session() as s:
        known = {row["name"]: row for row in overview(s, now=now)["sources"]}
    out = {}
    for source in chosen:
        row = known.get(source.name)
        run = row["last_run"] if row else None
        due = 0
        if row:
            limits = RecheckLimits(source.recheck_min, source.recheck_max)
            due = len(archive.due_pages(archive.known_pages(source.name), now, limits)[0])
        out[source.name] = {"last_run": {"started_at": run["started_at"], "status": run["status"]} if run else None,
                            "pages": row["pages"] if row else 0, "due": due}
    return out


def discovered_rows(ctx: Context, archive: Archive, chosen: list[Source]) -> list[dict]:
    """The sources scans discovered that the sources file does not hold (by name or site), with
    their pages and the command that adds each (then crawled like any other)."""
    names, origins = {s.name for s in chosen}, {s.origin for s in chosen}
    return [row | {"command": _command(ctx, "sources", "add", row["name"], normalize_url(row["origin"]),
                                       "--role", "mirror")}
            for row in discovered.discovered_sources(archive.session)
            if row["name"] not in names and row["origin"] not in origins]


def _existing_archive(ctx: Context) -> Archive | None:
    """The archive, if there is one (a listing opens it read-only and never creates one)."""
    try:
        return ctx.archive()
    except NoArchive:
        return None


def _probing(call):
    from crawler.probe.discover import NotASite
    from crawler.probe.fetch import SiteUnreachable

    try:
        return call()
    except (SiteUnreachable, NotASite) as exc:
        raise click.ClickException(str(exc)) from None


def _command(ctx: Context, *args: str) -> str:
    """A mirrorwatch command line to run next, with this one's --sources if it was not the default."""
    chosen = [] if ctx.sources == DEFAULT_SOURCES else ["--sources", ctx.sources]
    return shlex.join(["mirrorwatch", *chosen, *args])


__all__ = ["add", "archive_status", "discovered_rows", "sources", "test"]
