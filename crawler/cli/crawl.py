"""``crawl`` and ``runs``: a crawl of the configured sites now, and past crawls."""

from __future__ import annotations

import sys

import click

from crawler.cli.common import Context, emit, format_option, on_terminal, pass_ctx, progress, user_errors
from crawler.render import text as render
from crawler.sources import load_sources, select_sources


@click.command()
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
    from crawler.crawl.frontier import FrontierError
    from crawler.crawl.result import as_json
    from crawler.crawl.runner import crawl_settings, run_crawl  # Scrapy is slow to import

    chosen = select_sources(load_sources(ctx.sources), names)
    if run_id and not redis_url:
        raise click.ClickException("--run needs --redis URL (or MIRRORWATCH_REDIS)")
    archive = ctx.archive(write=True)  # created and migrated before the crawl: a bad --db fails here
    for source in chosen:  # the first write: a database locked too long fails here, in one line
        archive.ensure_source(source.name, role=source.role, origin=source.origin)
    archive.engine.dispose()
    level = ["WARNING", "INFO", "DEBUG"][min(ctx.verbose, 2)]
    overrides = {"MIRRORWATCH_RECHECK": "due" if due else "all",
                 "MIRRORWATCH_REDIS_URL": redis_url or "", "MIRRORWATCH_FRONTIER_RUN": run_id or ""}
    settings = crawl_settings(db=ctx.db, sources_path=ctx.sources, log_level=level, overrides=overrides)
    with progress("crawling", enabled=on_terminal(fmt), unit="pages") as tick:
        try:
            results = run_crawl(chosen, settings, on_item=(lambda name: tick(f"crawling {name}")) if tick else None)
        except FrontierError as exc:
            raise click.ClickException(str(exc)) from None
    data = as_json(results)
    emit(fmt, data, lambda console, _: render.crawl_summary(console, data["sources"]))
    for result in results:
        if result.problem:
            click.echo(f"Error: {result.source}: {result.problem}", err=True)
    if any(r.finish_reason not in ("finished", None) or r.problem for r in results):
        sys.exit(1)


@click.command()
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
    archive = ctx.archive()
    if source:
        archive.check_source(source)  # an unknown name is an error, as in report, not "no runs yet"
    emit(fmt, {"runs": archive.runs(source=source, limit=limit)},
         lambda console, data: render.runs_table(console, data["runs"]))


__all__ = ["crawl", "runs"]
