"""The scheduler: APScheduler wiring only (``mirrorwatch schedule``).

One job per source that has a ``schedule`` (interval or cron, with jitter so that
sources do not fire together), kept in the archive's own database (SQLAlchemy job
store, table ``mirrorwatch_jobs``), so a restart keeps each job's next run time:
runs missed while the scheduler was down are coalesced into one, or logged as
missed when later than the misfire grace time. One run per source at a time.
Each run is a crawl subprocess (``crawler.monitor.crawl_process``) that re-checks only the
due pages; a source never crawled yet, or whose last run began longer ago than
its schedule allows, runs at once.

At start the jobs are re-synced with the sources file (jobs of removed sources
dropped, changed schedules replaced). A lock row with a heartbeat
(``storage.lock``) keeps a second scheduler off the same database; a lock whose
heartbeat is older than ``lock_ttl`` (a killed scheduler) is taken over.

Stopping: the first SIGTERM or Ctrl-C lets running crawls finish (for at most
``stop_timeout`` seconds); a second one, or the timeout, interrupts them (the
child closes its run as ``interrupted``; one that does not stop within
``KILL_AFTER`` seconds is killed and its run marked ``interrupted``).
"""

from __future__ import annotations

import logging
import pickle
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.events import (EVENT_JOB_ERROR, EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED,
                                EVENT_SCHEDULER_STARTED)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.util import undefined
from sqlalchemy import Engine, MetaData, Table, inspect, update

from crawler.monitor.crawl_process import CrawlProcesses, RunOutcome
from crawler.monitor.schedules import parse_schedule
from crawler.sources import Config, Source, load_config
from storage.db import make_engine, open_engine, session_factory
from storage.lock import DatabaseLock
from storage.archive.runs import last_run_starts
from storage.types import utcnow

log = logging.getLogger(__name__)

JOBS_TABLE = "mirrorwatch_jobs"
JOB_PREFIX = "crawl:"
MAX_PARALLEL_CRAWLS = 4
KILL_AFTER = 30.0  # seconds an interrupted crawl gets to close its run before it is killed


@dataclass(frozen=True)
class SchedulerOptions:
    db: str
    sources_path: str
    verbose: int = 0
    lock_ttl: timedelta = timedelta(seconds=60)
    misfire_grace: timedelta = timedelta(minutes=10)
    stop_timeout: float = 300.0


def due_sources(config: Config, starts: dict[str, datetime], now: datetime) -> list[Source]:
    """The scheduled sources due at ``now``: never run, or last started longer ago than
    their schedule allows. Sources without a schedule are never due."""
    return [s for s in config.sources.values()
            if s.schedule and parse_schedule(s.schedule).is_due(starts.get(s.name), now)]


# The job store pickles a reference to this function and the source name; the
# running scheduler is found here (one per process).
_ACTIVE: MonitorScheduler | None = None
JOB_FUNC = "crawler.monitor.scheduler:crawl_job"
OLD_JOB_FUNCS = ("crawler.scheduler:crawl_job",)  # where crawl_job lived before the packages by role


def rename_stored_jobs(engine: Engine) -> int:
    """Point the jobs that an earlier version stored at ``crawl_job``'s place now, so that they
    keep their next run times (APScheduler would drop a job whose function it cannot import)."""
    if not inspect(engine).has_table(JOBS_TABLE):
        return 0
    jobs = Table(JOBS_TABLE, MetaData(), autoload_with=engine)
    renamed = 0
    with engine.begin() as conn:
        for job_id, blob in conn.execute(jobs.select().with_only_columns(jobs.c.id, jobs.c.job_state)).all():
            state = pickle.loads(blob)
            if state.get("func") in OLD_JOB_FUNCS:
                state["func"] = JOB_FUNC
                conn.execute(update(jobs).where(jobs.c.id == job_id)
                             .values(job_state=pickle.dumps(state, pickle.HIGHEST_PROTOCOL)))
                renamed += 1
    if renamed:
        log.info("%d stored job(s) now name %s", renamed, JOB_FUNC)
    return renamed


def crawl_job(source: str) -> None:
    if _ACTIVE is None:
        raise RuntimeError("crawl_job runs only inside a running MonitorScheduler")
    if _ACTIVE.stopping:  # handed to the executor just before the stop
        log.info("%s: not starting a crawl, the scheduler is stopping", source)
        return
    _ACTIVE.crawls.run(source)


class MonitorScheduler:
    def __init__(self, options: SchedulerOptions, *, after_run: Callable[[RunOutcome], None] | None = None):
        self.options = options
        self.config = load_config(options.sources_path)
        self.engine = open_engine(options.db)
        self.lock = DatabaseLock(self.engine, ttl=options.lock_ttl)
        self.crawls = CrawlProcesses(self.engine, options.db, options.sources_path,
                                     verbose=options.verbose, after_run=after_run)
        self._signals = 0
        self.stopping = False
        self._stopped = threading.Event()
        self._scheduler: BlockingScheduler | None = None

    # -- once -------------------------------------------------------------

    def run_once(self) -> list[RunOutcome]:
        """Crawl every due source, one after the other, and return what each run did."""
        self.lock.acquire()
        heartbeat = self._start_heartbeat()
        self._install_signals(on_first=lambda: None)
        outcomes = []
        try:
            due = due_sources(self.config, last_run_starts(session_factory(self.engine)), utcnow())
            log.info("due now: %s", ", ".join(s.name for s in due) or "nothing")
            for source in due:
                if self._signals:
                    log.warning("stopping: %s and later sources not crawled", source.name)
                    break
                outcomes.append(self.crawls.run(source.name))
        finally:
            self._stopped.set()
            heartbeat.join()
            self.lock.release()
        return outcomes

    # -- for ever -----------------------------------------------------------

    def run_forever(self) -> None:
        global _ACTIVE
        self.lock.acquire()
        _ACTIVE = self
        rename_stored_jobs(self.engine)
        heartbeat = self._start_heartbeat()
        grace = int(self.options.misfire_grace.total_seconds())
        scheduler = BlockingScheduler(
            # Its own engine: the job store disposes of it at shutdown.
            jobstores={"default": SQLAlchemyJobStore(engine=make_engine(self.options.db), tablename=JOBS_TABLE)},
            executors={"default": ThreadPoolExecutor(MAX_PARALLEL_CRAWLS)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": grace},
            timezone="UTC",
        )
        self._scheduler = scheduler
        scheduler.add_listener(lambda _event: self._sync(scheduler), EVENT_SCHEDULER_STARTED)
        scheduler.add_listener(self._on_missed, EVENT_JOB_MISSED)
        scheduler.add_listener(self._on_busy, EVENT_JOB_MAX_INSTANCES)
        scheduler.add_listener(self._on_error, EVENT_JOB_ERROR)
        self._install_signals(on_first=self._shutdown_scheduler)
        try:
            scheduler.start()  # blocks until the scheduler is shut down
            self._finish_running()
        finally:
            self._stopped.set()
            heartbeat.join()
            self.lock.release()
            _ACTIVE = None
            log.info("scheduler stopped")

    def _sync(self, scheduler: BlockingScheduler) -> None:
        """Make the stored jobs match the sources file; keep unchanged jobs as they are."""
        wanted = {JOB_PREFIX + s.name: s for s in self.config.sources.values() if s.schedule}
        for job in scheduler.get_jobs():
            if job.id not in wanted:
                log.info("dropping the job of %s: no longer a scheduled source", job.id[len(JOB_PREFIX):])
                scheduler.remove_job(job.id)
        starts = last_run_starts(session_factory(self.engine))
        now = utcnow()
        grace = int(self.options.misfire_grace.total_seconds())
        for job_id, source in wanted.items():
            label = f"crawl {source.name} ({source.schedule})"
            job = scheduler.get_job(job_id)
            if job is not None and job.name == label:
                # Unchanged: keep its next run time, so runs missed while we were down are seen.
                if job.misfire_grace_time != grace:
                    scheduler.modify_job(job_id, misfire_grace_time=grace)
                log.info("%s: next run %s", source.name, job.next_run_time)
                continue
            schedule = parse_schedule(source.schedule)
            first = now if schedule.is_due(starts.get(source.name), now) else undefined
            scheduler.add_job(crawl_job, schedule.trigger(), args=(source.name,), id=job_id, name=label,
                                    replace_existing=True, next_run_time=first)
            log.info("%s: scheduled %s, next run %s", source.name, source.schedule,
                     "now" if first is not undefined else "by its schedule")

    def _on_missed(self, event) -> None:
        log.warning("%s: missed the run due at %s (more than %s late); next run by its schedule",
                    event.job_id[len(JOB_PREFIX):], event.scheduled_run_time, self.options.misfire_grace)

    def _on_busy(self, event) -> None:  # a JobSubmissionEvent: run times, plural
        log.info("%s: still crawling; the run due at %s is skipped",
                 event.job_id[len(JOB_PREFIX):], min(event.scheduled_run_times))

    def _on_error(self, event) -> None:
        log.error("%s: run failed: %r", event.job_id[len(JOB_PREFIX):], event.exception)

    # -- heartbeat and stopping --------------------------------------------

    def _start_heartbeat(self) -> threading.Thread:
        every = max(self.options.lock_ttl.total_seconds() / 4, 0.5)

        def beat() -> None:
            while not self._stopped.wait(every):
                try:
                    if not self.lock.heartbeat():
                        self._shutdown_scheduler()
                        return
                except Exception:  # the database away for a moment: try again next beat
                    log.exception("lock heartbeat failed")

        thread = threading.Thread(target=beat, name="lock-heartbeat", daemon=True)
        thread.start()
        return thread

    def _install_signals(self, *, on_first: Callable[[], None]) -> None:
        def handle(signum, _frame) -> None:
            self._signals += 1
            name = signal.Signals(signum).name
            running = self.crawls.running()
            if self._signals == 1:
                log.warning("%s: stopping%s", name, f"; waiting for the running crawl of {', '.join(running)} "
                            "(send it again to interrupt)" if running else "")
                on_first()
            elif self._signals == 2:
                log.warning("%s again: interrupting the running crawls", name)
                self.crawls.interrupt()
            else:
                self.crawls.interrupt(kill=True)

        signal.signal(signal.SIGTERM, handle)
        signal.signal(signal.SIGINT, handle)

    def _shutdown_scheduler(self) -> None:
        self.stopping = True
        # Not from the signal handler itself: shutdown takes locks the interrupted main thread may hold.
        if self._scheduler is not None:
            threading.Thread(target=self._scheduler.shutdown, kwargs={"wait": False}, daemon=True).start()

    def _finish_running(self) -> None:
        """After the scheduler stopped: let running crawls end, interrupt them after the timeout."""
        if self.crawls.wait_idle(self.options.stop_timeout):
            return
        log.warning("crawls still running after %.0f s: interrupting them", self.options.stop_timeout)
        self.crawls.interrupt()
        if not self.crawls.wait_idle(KILL_AFTER):
            self.crawls.interrupt(kill=True)
            self.crawls.wait_idle(None)
