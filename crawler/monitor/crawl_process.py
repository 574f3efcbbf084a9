"""One scheduled crawl of one source, in a subprocess of its own.

The Twisted reactor cannot be restarted, and a crawl that crashes must not take
the scheduler with it, so each run is ``python -m crawler crawl --due NAME`` with
the scheduler's ``--db`` and ``--sources``. The child records its own run; when
it dies without closing it (killed, crashed), :class:`CrawlProcesses` closes the
row as ``interrupted`` (the scheduler stopped it) or ``failed``.

The child gets a session of its own, so a Ctrl-C in the scheduler's terminal
reaches the scheduler only: it decides whether a running crawl may finish.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crawler.crawl.result import from_json
from storage.archive.runs import close_open_runs
from storage.db import session_factory
from storage.types import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunOutcome:
    """What one scheduled crawl did."""

    source: str
    started_at: datetime
    finished_at: datetime
    exit_code: int
    status: str  # finished | interrupted | failed
    run_id: int | None = None
    summary: dict[str, Any] = field(default_factory=dict)  # fetched, new_version, ... (storage.archive.runs.COUNT_KEYS)

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "run_id": self.run_id, "status": self.status, "exit_code": self.exit_code,
                "started_at": self.started_at.isoformat(), "finished_at": self.finished_at.isoformat(),
                **self.summary}


class CrawlProcesses:
    """Starts crawl subprocesses, remembers the running ones, and can stop them."""

    def __init__(self, engine, db: str, sources_path: str, *, verbose: int = 0,
                 after_run: Callable[[RunOutcome], None] | None = None):
        self.session = session_factory(engine)
        self.db = db
        self.sources_path = sources_path
        self.verbose = verbose
        self.after_run = after_run
        self._lock = threading.RLock()  # re-entrant: the signal handler may interrupt a holder
        self._active: dict[str, subprocess.Popen] = {}
        self._interrupted: set[str] = set()
        self._idle = threading.Condition(self._lock)
        self._busy = 0  # runs in progress, their bookkeeping and notification included

    def command(self, source: str) -> list[str]:
        return [sys.executable, "-m", "crawler", "--db", self.db, "--sources", self.sources_path,
                *(["-" + "v" * self.verbose] if self.verbose else []),
                "crawl", "--due", "--format", "json", source]

    def run(self, source: str) -> RunOutcome:
        """Crawl one source now and wait for it; never raises for a failed crawl."""
        started = utcnow()
        with self._lock:
            self._busy += 1
        try:
            outcome = self._run(source, started)
            if self.after_run is not None:
                try:
                    self.after_run(outcome)
                except Exception:  # a notification problem must not end the scheduler
                    log.exception("%s: after-run step failed", source)
            return outcome
        finally:
            with self._lock:
                self._busy -= 1
                self._idle.notify_all()

    def _run(self, source: str, started: datetime) -> RunOutcome:
        log.info("%s: crawl starting", source)
        try:
            proc = subprocess.Popen(self.command(source), stdout=subprocess.PIPE, text=True,
                                    start_new_session=True)
        except OSError as exc:
            log.error("%s: cannot start the crawl: %s", source, exc)
            return RunOutcome(source, started, utcnow(), -1, "failed")
        with self._lock:
            self._active[source] = proc
        try:
            stdout, _ = proc.communicate()
        finally:
            with self._lock:
                self._active.pop(source, None)
                interrupted = source in self._interrupted
                self._interrupted.discard(source)
        code = proc.returncode
        result = next(iter(from_json(stdout)), None)  # the crawl's own account, as `crawl --format json` prints it
        # A child that died before closing its run leaves it "running": say what happened.
        status = "interrupted" if interrupted else "failed"
        reason = "stopped by the scheduler" if interrupted else f"crawl process exited with {_describe(code)}"
        closed = close_open_runs(self.session, source, since=started, status=status, reason=reason)
        if result is not None and not closed:
            status = result.status
        elif result is None and not closed and code != 0:
            log.warning("%s: crawl process exited with %s before starting its run", source, _describe(code))
        summary = result.counts() if result is not None else {}
        run_id = result.run_id if result is not None else None
        outcome = RunOutcome(source, started, utcnow(), code, status, run_id, summary)
        level = logging.INFO if status == "finished" else logging.WARNING
        log.log(level, "%s: crawl %s (run %s): %s", source, status, run_id or "-",
                ", ".join(f"{k} {v}" for k, v in summary.items()) or reason)
        return outcome

    def running(self) -> list[str]:
        with self._lock:
            return sorted(self._active)

    def interrupt(self, *, kill: bool = False) -> None:
        """Ask each running crawl to stop (SIGTERM: Scrapy closes the run as interrupted),
        or kill it outright."""
        with self._lock:
            for source, proc in self._active.items():
                self._interrupted.add(source)
                log.warning("%s: %s the running crawl", source, "killing" if kill else "interrupting")
                try:
                    proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
                except ProcessLookupError:
                    pass

    def wait_idle(self, timeout: float | None) -> bool:
        """Wait until no run is in progress; False if the timeout came first."""
        with self._lock:
            return self._idle.wait_for(lambda: self._busy == 0, timeout)


def _describe(code: int) -> str:
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"status {code}"
