"""The re-check policy: when a known page should next be fetched.

Articles change most in their first hours (corrections, updates) and rarely once
they are weeks old, so the interval grows with the article's age, measured from
its published date or, without one, from the page's first capture:

    younger than 1 day → 15 min · 3 days → 1 h · 1 week → 6 h · 30 days → 1 day · older → 1 week

A page that has just changed is re-checked after the shortest step again (edits
come in bursts). Each source may bound the result (``recheck_min`` and
``recheck_max`` in sources.toml, handed over as :class:`RecheckLimits`).
:func:`next_due` is pure; the archive calls it whenever it records a capture and
stores the result in ``page.next_due_at``.

:func:`listed_unchanged` reads a sitemap ``lastmod`` or a feed date: a page whose
listing says it has not changed since its last capture need not be fetched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

# (age below which, re-check interval), youngest first; older than the last: OLD_INTERVAL.
STEPS: tuple[tuple[timedelta, timedelta], ...] = (
    (timedelta(days=1), timedelta(minutes=15)),
    (timedelta(days=3), timedelta(hours=1)),
    (timedelta(days=7), timedelta(hours=6)),
    (timedelta(days=30), timedelta(days=1)),
)
OLD_INTERVAL = timedelta(weeks=1)
AFTER_CHANGE = STEPS[0][1]
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class RecheckLimits:
    """A source's bounds on the interval; None leaves that side to the policy."""

    min: timedelta | None = None
    max: timedelta | None = None


def interval_for_age(age: timedelta) -> timedelta:
    for below, interval in STEPS:
        if age < below:
            return interval
    return OLD_INTERVAL


def next_due(now: datetime, *, born: datetime, changed: bool = False,
             limits: RecheckLimits = RecheckLimits()) -> datetime:
    """When to fetch a page again, after a capture at ``now``.

    ``born`` is the article's published date or the page's first capture;
    ``changed`` says that this capture found a new version of a known page.
    """
    interval = AFTER_CHANGE if changed else interval_for_age(max(now - born, timedelta(0)))
    if limits.min is not None:
        interval = max(interval, limits.min)
    if limits.max is not None:
        interval = min(interval, limits.max)
    return now + interval


def parse_listed_date(text: str | None) -> datetime | None:
    """A sitemap W3C date (``2026-01-05``, ``2026-01-05T10:00:00+00:00``) or a feed's
    RFC 822 date (``Mon, 05 Jan 2026 10:00:00 GMT``) as an aware UTC datetime; None if unreadable.
    A day without a time means its end, so that an edit later on the day of a capture is not missed."""
    value = _parse_date(text)
    if value is not None and _DATE_ONLY.match(text.strip()):
        value += timedelta(days=1)
    return value


def _parse_date(text: str | None) -> datetime | None:
    if not text:
        return None
    text = text.strip()
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            value = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if value.tzinfo is None:  # a bare date or a zone-less time: read as UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def listed_unchanged(listed_modified: str | None, last_captured: datetime | None) -> bool:
    """True when a listing dates the page's last change at or before its last capture."""
    listed = parse_listed_date(listed_modified)
    return listed is not None and last_captured is not None and listed <= last_captured


def published_at(published: str | None) -> datetime | None:
    """A version's published date (ISO, as extracted) as a UTC datetime, if readable."""
    return _parse_date(published)
