"""Schedules and durations as written in sources.toml, and when a source is due.

A source's ``schedule`` is an interval (``"90s"``, ``"30m"``, ``"6h"``, ``"1d"``,
``"1w"``) or a five-field cron expression (``"*/30 * * * *"``, UTC). Durations
(``recheck_min``, ``recheck_max``) use the interval syntax (``storage.when``). The scheduler turns a
:class:`Schedule` into an APScheduler trigger with jitter, so that sources with
the same schedule do not all fire at the same second.

A source without a ``schedule`` is never crawled by the scheduler (there is no default:
it would start crawling sites nobody asked to watch); :func:`unscheduled_notice` is the
line that says which sources those are and how to schedule them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from storage.when import is_duration, parse_duration

# Jitter: a tenth of an interval, at most five minutes; cron schedules get up to a minute.
MAX_JITTER = 300.0
CRON_JITTER = 60.0


@dataclass(frozen=True)
class Schedule:
    """When a source is crawled: every ``interval``, or at the times of a ``cron`` expression."""

    text: str
    interval: timedelta | None = None
    cron: str | None = None

    @property
    def jitter(self) -> float:
        if self.interval is not None:
            return min(self.interval.total_seconds() / 10, MAX_JITTER)
        return CRON_JITTER

    def trigger(self, *, jitter: bool = True):
        """The APScheduler trigger (UTC), with jitter unless told otherwise."""
        amount = self.jitter if jitter else None
        if self.interval is not None:
            return IntervalTrigger(seconds=self.interval.total_seconds(), jitter=amount, timezone=UTC)
        return _cron(self.cron, jitter=amount)

    def is_due(self, last_started: datetime | None, now: datetime) -> bool:
        """Due when never run, or when a run should have started since the last one began."""
        if last_started is None:
            return True
        if self.interval is not None:
            return last_started + self.interval <= now
        following = _cron(self.cron).get_next_fire_time(None, last_started)
        return following is not None and following <= now


def _cron(expression: str, *, jitter: float | None = None) -> CronTrigger:
    # from_crontab takes no jitter; the fields are the same. Note APScheduler 3 counts
    # weekdays from 0 = Monday: names (mon-fri) are unambiguous.
    minute, hour, day, month, day_of_week = expression.split()
    return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=day_of_week,
                       timezone=UTC, jitter=jitter)


def parse_schedule(text: str) -> Schedule:
    """An interval or a cron expression; ValueError with a one-line reason otherwise."""
    if is_duration(text):
        return Schedule(text, interval=parse_duration(text))
    if len(text.split()) == 5:
        try:
            _cron(text)
        except ValueError as exc:
            raise ValueError(f"bad cron expression {text!r}: {exc}") from None
        return Schedule(text, cron=text)
    raise ValueError(f"not a schedule: {text!r} (an interval such as '30m' or '6h', "
                     "or a cron expression such as '*/30 * * * *')")


SCHEDULE_HINT = 'add e.g. schedule = "6h" (or a cron expression such as "0 */6 * * *") to their [[source]] in {path}'


def unscheduled_notice(names: Iterable[str], sources_path: str) -> str | None:
    """Which sources the scheduler leaves alone, and how to give them a schedule; None if none."""
    names = list(names)
    if not names:
        return None
    listed = ", ".join(names)
    return f"no schedule, never crawled by the scheduler: {listed} ({SCHEDULE_HINT.format(path=sources_path)})"
