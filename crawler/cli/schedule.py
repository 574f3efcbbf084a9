"""``mirrorwatch schedule``: run the scheduler, or what is due once (for cron/systemd).

See ``crawler.monitor`` for what the scheduler does and the message sent after each run.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import click

from crawler.cli.common import Context, emit, format_option, pass_ctx, user_errors
from crawler.monitor.schedules import SCHEDULE_HINT, unscheduled_notice
from crawler.sources import load_sources


@click.command()
@click.option("--once", is_flag=True, help="Crawl the sources that are due now, one after the other, and exit.")
@click.option("--stop-timeout", type=click.FloatRange(0), default=300, show_default=True,
              help="Seconds a running crawl may take to finish after SIGTERM/Ctrl-C before it is interrupted.")
@click.option("--lock-ttl", type=click.FloatRange(1), default=60, show_default=True,
              help="Seconds without a heartbeat after which another scheduler's lock counts as stale.")
@click.option("--misfire-grace", type=click.FloatRange(1), default=600, show_default=True,
              help="Seconds a run may start late; later ones are logged as missed and skipped.")
@format_option
@pass_ctx
@user_errors
def schedule(ctx: Context, once: bool, stop_timeout: float, lock_ttl: float, misfire_grace: float,
             fmt: str) -> None:
    """Crawl each source on its schedule (or, with --once, what is due now).

    Runs until SIGTERM or Ctrl-C; a running crawl is allowed to finish (a second
    signal interrupts it). Only one scheduler may run on a database.

    \b
    Example:
      mirrorwatch --sources sources.toml schedule
      mirrorwatch schedule --once --format json     # from cron or a systemd timer
    """
    from crawler.monitor.notify import Notifier
    from crawler.monitor.scheduler import MonitorScheduler, SchedulerOptions

    sources = load_sources(ctx.sources)
    scheduled = [name for name, source in sources.items() if source.schedule]
    notice = unscheduled_notice([name for name in sources if name not in scheduled], ctx.sources)
    if not scheduled:
        raise click.ClickException(f"no source in {ctx.sources} has a schedule ({', '.join(sources) or 'no sources'}), "
                                   "so the scheduler would never crawl: "
                                   + SCHEDULE_HINT.format(path=ctx.sources).replace("their", "each"))
    if notice:
        click.echo(f"Note: {notice}", err=True)
    _log_at_least_info(quiet_apscheduler=ctx.verbose == 0)
    options = SchedulerOptions(db=ctx.db, sources_path=ctx.sources, verbose=ctx.verbose,
                               lock_ttl=timedelta(seconds=lock_ttl), misfire_grace=timedelta(seconds=misfire_grace),
                               stop_timeout=stop_timeout)
    notifier = Notifier.from_sources(ctx.sources, db=ctx.db)
    scheduler = MonitorScheduler(options, after_run=notifier.after_run)
    if not once:
        scheduler.run_forever()
        return
    outcomes = scheduler.run_once()
    rows = [o.as_dict() for o in outcomes]
    emit(fmt, {"runs": rows, "unscheduled": [name for name in sources if name not in scheduled]}, "\n".join(
        f"{row['source']}: {row['status']} (run {row['run_id'] or '-'}), "
        f"{row.get('fetched', 0)} fetched, {row.get('new_version', 0)} new versions" for row in rows)
         or f"nothing due: {', '.join(scheduled)} ran within {'its' if len(scheduled) == 1 else 'their'} schedule")
    if any(o.status != "finished" for o in outcomes):
        raise SystemExit(1)


def _log_at_least_info(*, quiet_apscheduler: bool) -> None:
    """A long-running scheduler reports its runs; -v adds the crawls' and APScheduler's info lines."""
    root = logging.getLogger()
    root.setLevel(min(root.level, logging.INFO))
    for handler in root.handlers:
        handler.setLevel(min(handler.level, logging.INFO))
    if quiet_apscheduler:
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
