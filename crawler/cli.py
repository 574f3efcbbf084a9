"""The ``mirrorwatch`` command line: parse, call the library, format.

Errors a user can cause (bad sources file, unknown URL, unreachable database)
become one line on stderr and exit status 1; nothing here prints a traceback.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click
from rich.console import Console

from crawler import render
from crawler.cliutil import (Context, emit, format_option, output_option, pass_ctx, report_format_option,
                             user_errors)
from crawler.sources import DEFAULT_SOURCES, load_sources, select_sources
from storage.db import DEFAULT_DB, database_url, open_engine, upgrade
from storage.reports.copies import compare_html, compare_report, copies_html, copies_report


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar="MIRRORWATCH_DB", default=DEFAULT_DB, show_default=True,
              help="Archive database: an SQLAlchemy URL or a SQLite file path [env MIRRORWATCH_DB].")
@click.option("--sources", envvar="MIRRORWATCH_SOURCES", default=DEFAULT_SOURCES, show_default=True,
              help="Sources file [env MIRRORWATCH_SOURCES].")
@click.option("-v", "--verbose", count=True, help="More log output (-v: info, -vv: debug).")
@click.version_option(package_name="mirrorwatch")
@click.pass_context
def cli(ctx: click.Context, db: str, sources: str, verbose: int) -> None:
    """mirrorwatch: a versioned archive of articles and of the sites that copy them.

    \b
    Example:
      mirrorwatch --sources sources.toml crawl
      mirrorwatch history https://example.org/news/article.html
    """
    ctx.obj = Context(db, sources, verbose)
    handler = logging.StreamHandler()
    handler.setLevel([logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)])
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(handler.level)


@cli.command()
@click.option("--check", is_flag=True, help="Only validate the file; exit 1 on the first error.")
@format_option
@pass_ctx
@user_errors
def sources(ctx: Context, check: bool, fmt: str) -> None:
    """List the configured sources (or check the file).

    \b
    Example:
      mirrorwatch --sources sources.toml sources --check
    """
    loaded = load_sources(ctx.sources)
    if check and fmt == "text":
        click.echo(f"{ctx.sources}: {len(loaded)} source{'s' if len(loaded) != 1 else ''}, all valid")
        return
    rows = [render.source_row(s) for s in loaded.values()]
    if fmt == "json":
        click.echo(json.dumps({"sources": rows}, indent=2))
    else:
        render.sources_table(Console(), rows)


@cli.command()
@click.argument("names", nargs=-1)
@click.option("--due", is_flag=True,
              help="Re-check only the known pages that are due (the scheduler's way); "
                   "by default every known page is re-checked.")
@click.option("--redis", "redis_url", envvar="MIRRORWATCH_REDIS", metavar="URL",
              help="Share the crawl with other workers through this Redis frontier [env MIRRORWATCH_REDIS].")
@click.option("--run", "run_id", metavar="ID",
              help="With --redis: join the run named ID (default: the source's open run, or a new one).")
@format_option
@pass_ctx
@user_errors
def crawl(ctx: Context, names: tuple[str, ...], due: bool, redis_url: str | None, run_id: str | None,
          fmt: str) -> None:
    """Crawl all sources now, or the NAMES given.

    With --redis, start the same command on N machines: the workers share one
    queue and duplicate filter, so each page is fetched once per run.

    \b
    Example:
      mirrorwatch crawl origin-news
      mirrorwatch crawl --due origin-news
      mirrorwatch crawl origin-news --redis redis://10.0.0.5:6379/0
    """
    from crawler.frontier import FrontierError
    from crawler.runner import crawl_settings, run_crawl  # Scrapy is slow to import

    chosen = select_sources(load_sources(ctx.sources), names)
    open_engine(ctx.db)  # create and migrate before the crawl, and fail early
    archive = ctx.archive()
    for source in chosen:  # the first write: a database locked too long fails here, in one line
        archive.ensure_source(source.name, role=source.role, origin=source.origin)
    archive.engine.dispose()
    level = ["WARNING", "INFO", "DEBUG"][min(ctx.verbose, 2)]
    if run_id and not redis_url:
        raise click.ClickException("--run needs --redis URL (or MIRRORWATCH_REDIS)")
    overrides = {"MIRRORWATCH_RECHECK": "due" if due else "all",
                 "MIRRORWATCH_REDIS_URL": redis_url or "", "MIRRORWATCH_FRONTIER_RUN": run_id or ""}
    settings = crawl_settings(db=ctx.db, sources_path=ctx.sources, log_level=level, overrides=overrides)
    with render.crawl_progress(enabled=fmt == "text" and sys.stderr.isatty()) as on_item:
        try:
            results = run_crawl(chosen, settings, on_item=on_item)
        except FrontierError as exc:
            raise click.ClickException(str(exc)) from None
    rows = [{"source": r.source, "finish_reason": r.finish_reason, **r.summary()} for r in results]
    if fmt == "json":
        click.echo(json.dumps({"sources": rows, "stats": {r.source: _stats(r.stats) for r in results}}, indent=2))
    else:
        render.crawl_summary(Console(), rows)
    if any(r.finish_reason not in ("finished", None) for r in results):
        sys.exit(1)


def _stats(stats: dict) -> dict:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in sorted(stats.items())}


@cli.command()
@click.option("--source", help="Only the runs of this source.")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True, help="How many runs, newest first.")
@format_option
@pass_ctx
@user_errors
def runs(ctx: Context, source: str | None, limit: int, fmt: str) -> None:
    """Past crawl runs and their figures, newest first.

    \b
    Example:
      mirrorwatch runs --source example-news --limit 10
    """
    rows = ctx.archive().runs(source=source, limit=limit)
    if fmt == "json":
        click.echo(json.dumps({"runs": rows}, indent=2))
    else:
        render.runs_table(Console(), rows)


@cli.command()
@click.argument("url")
@format_option
@pass_ctx
@user_errors
def history(ctx: Context, url: str, fmt: str) -> None:
    """The versions of the page at URL.

    \b
    Example:
      mirrorwatch history https://example.org/news/article.html --format json
    """
    archive = ctx.archive()
    page = archive.page(url)
    data = render.history_data(page.url, archive.versions(url))
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        render.history_text(Console(), data)


@cli.command()
@click.argument("url")
@click.option("--from", "from_", type=int, help="Older version number (default: the one before --to).")
@click.option("--to", type=int, help="Newer version number (default: the latest).")
@format_option
@pass_ctx
@user_errors
def diff(ctx: Context, url: str, from_: int | None, to: int | None, fmt: str) -> None:
    """What changed in the page at URL between two versions, paragraph by paragraph.

    \b
    Example:
      mirrorwatch diff https://example.org/news/article.html --from 1 --to 3
    """
    archive = ctx.archive()
    page = archive.page(url)
    data = render.diff_data(page.url, archive.versions(url), from_, to)
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        render.diff_text(Console(), data)


@cli.command()
@click.argument("url")
@report_format_option
@output_option
@pass_ctx
@user_errors
def copies(ctx: Context, url: str, fmt: str, output: Path | None) -> None:
    """Where the page at URL was republished, and which page is the original.

    \b
    Example:
      mirrorwatch copies https://news.example.org/2026/01/tram.html --format json
    """
    archive = ctx.archive()
    data = copies_report(archive.page(url).url, archive.copies(url))
    emit(fmt, data, render.copies_text, copies_html, output)


@cli.command()
@click.argument("url_a")
@click.argument("url_b")
@report_format_option
@output_option
@pass_ctx
@user_errors
def compare(ctx: Context, url_a: str, url_b: str, fmt: str, output: Path | None) -> None:
    """How a copy differs from its original, paragraph by paragraph (either order).

    \b
    Example:
      mirrorwatch compare https://news.example.org/a.html https://blog.example.net/2026/01/02/a/ --format html -o a.html
    """
    data = compare_report(*ctx.archive().compare(url_a, url_b))
    emit(fmt, data, render.compare_text, compare_html, output)


@cli.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@pass_ctx
@user_errors
def db_upgrade(ctx: Context) -> None:
    """Create the database or migrate it to the latest schema.

    \b
    Example:
      mirrorwatch --db postgresql://localhost/mirrorwatch db upgrade
    """
    engine = open_engine(ctx.db, migrate=False)
    before, after = upgrade(engine)
    where = engine.url.render_as_string()
    click.echo(f"{where}: already at {after}" if before == after else f"{where}: {before or 'empty'} -> {after}")


@cli.command()
@click.option("--workdir", type=click.Path(file_okay=False, path_type=Path),
              help="Keep the demo's sites, sources and database here (default: a temporary folder).")
@user_errors
def demo(workdir: Path | None) -> None:
    """Crawl the bundled sample sites twice and show what changed.

    \b
    Example:
      mirrorwatch demo --workdir /tmp/mw-demo
    """
    from crawler.demo.run import DemoError, run_demo

    try:
        run_demo(Console(), workdir)
    except DemoError as exc:
        raise click.ClickException(str(exc)) from None


# Commands defined in modules of their own (crawler/cli_*.py).
from crawler import cli_export, cli_report, cli_schedule, cli_serve  # noqa: E402

for _command in (
    cli_report.report, cli_schedule.schedule,
    cli_export.export_group, cli_export.import_group, cli_export.reextract, cli_export.prune,
    cli_serve.serve,
):
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="mirrorwatch")


__all__ = ["cli", "main", "database_url"]
