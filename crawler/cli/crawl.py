"""``crawl`` and ``runs``: a crawl of the configured sites now, and past crawls."""

from __future__ import annotations

import contextlib
import logging
import sys

import click

from crawler.cli.common import Context, emit, format_option, on_terminal, pass_ctx, progress, user_errors


@click.command()
@click.argument("names", nargs=-1)
@click.option("--due", is_flag=True,
              help="Re-check only the known pages that are due (the scheduler's way); "
                   "by default every known page is re-checked.")
@click.option("--redis", "redis_url", envvar="MIRRORWATCH_REDIS", metavar="URL",
              help="Share the crawl with other workers through this Redis frontier [env MIRRORWATCH_REDIS].")
@click.option("--run", "run_id", metavar="ID",
              help="With --redis: join the run named ID (default: the source's open run, or a new one).")
@click.option("--log-file", envvar="MIRRORWATCH_LOG_FILE", metavar="PATH",
              help="Scrapy's log (default: <archive>-crawl.log next to a SQLite archive) [env MIRRORWATCH_LOG_FILE]; "
                   "with -v the log goes to the terminal.")
@format_option
@pass_ctx
@user_errors
def crawl(ctx: Context, names: tuple[str, ...], due: bool, redis_url: str | None, run_id: str | None,
          log_file: str | None, fmt: str) -> None:
    """Crawl all sources now, or the NAMES given.

    Prints a summary per source; a source whose site gave no usable answer gets one line
    on stderr ("Error: NAME: connection refused: 14 pages not checked") and exit status 1.
    Ctrl-C stops gracefully; a second Ctrl-C stops at once (the run is kept, interrupted).

    With --redis, start the same command on N machines: the workers share one
    queue and duplicate filter, so each page is fetched once per run.

    \b
    Example:
      mirrorwatch crawl origin-news
      mirrorwatch crawl --due origin-news
      mirrorwatch crawl origin-news --redis redis://10.0.0.5:6379/0
    """
    from crawler.cli.crawl_log import CrawlLogError, crawl_log, log_path
    from crawler.crawl.errors import BrowserMissing, FrontierError
    from crawler.crawl.result import as_json
    from crawler.crawl.runner import crawl_settings, run_crawl  # Scrapy is slow to import
    from crawler.sources import load_sources, select_sources

    chosen = select_sources(load_sources(ctx.sources), names)
    if run_id and not redis_url:
        raise click.ClickException("--run needs --redis URL (or MIRRORWATCH_REDIS)")
    archive = ctx.archive(write=True)  # created and migrated before the crawl: a bad --db fails here
    for source in chosen:  # the first write: a database locked too long fails here, in one line
        archive.ensure_source(source.name, role=source.role, origin=source.origin)
    level = ["WARNING", "INFO", "DEBUG"][min(ctx.verbose, 2)]
    overrides = {"MIRRORWATCH_RECHECK": "due" if due else "all",
                 "MIRRORWATCH_REDIS_URL": redis_url or "", "MIRRORWATCH_FRONTIER_RUN": run_id or ""}
    settings = crawl_settings(db=ctx.db, sources_path=ctx.sources, log_level=level, overrides=overrides)
    for closed in archive.close_stale_runs(interval=settings.getfloat("MIRRORWATCH_HEARTBEAT_INTERVAL")):
        click.echo(f"closed run {closed} as failed: its crawl process died (no heartbeat)", err=True)
    archive.engine.dispose()
    log = log_path(ctx.db, log_file)
    to_file = crawl_log(log, level=getattr(logging, level)) if not ctx.verbose else contextlib.nullcontext()
    try:
        with to_file, progress("crawling", enabled=on_terminal(fmt)) as tick:
            results = run_crawl(chosen, settings, on_progress=_progress_line(tick) if tick else None,
                                on_stop=_stop_notice(tick))
    except (FrontierError, CrawlLogError, BrowserMissing) as exc:
        raise click.ClickException(str(exc)) from None
    data = as_json(results)
    emit(fmt, data, lambda console, _: _render().crawl_summary(console, data["sources"]))
    for result in results:
        if result.problem:
            click.echo(f"Error: {result.source}: {result.problem}", err=True)
    if any(r.finish_reason not in ("finished", None) or r.problem for r in results):
        sys.exit(1)


def _progress_line(tick):
    def show(p) -> None:
        line = f"{p.source}: {p.done:,} requests done, {p.queued:,} queued · {p.stored:,} articles stored"
        if p.errors:
            line += f" · {p.errors:,} errors"
        now = ([f"{p.storing:,} being extracted"] if p.storing else []) + ([f"fetching {p.fetching}"] if p.fetching else [])
        tick.show(p.source, line + ("\n  " + " · ".join(now) if now else ""))

    return show


def _stop_notice(tick):
    def notice(forced: bool) -> None:
        text = "stopping now: the runs are kept as interrupted" if forced else "stopping… (Ctrl-C again to force)"
        if tick is not None:
            tick.note(text)
        else:
            click.echo(text, err=True)

    return notice


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
         lambda console, data: _render().runs_table(console, data["runs"]))


def _render():
    """The text renderer (rich), loaded only for text output."""
    from crawler.render import text

    return text


__all__ = ["crawl", "runs"]
