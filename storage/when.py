"""Durations and points in time as people write them: one grammar for the whole tool.

A **duration** is a whole number and a unit: ``45s``, ``30m``, ``6h``, ``7d``, ``2w``
(schedules, re-check bounds, ``prune --older-than``). A **point in time** is a duration
back from now (``24h`` means 24 hours ago) or an ISO date or time (``2026-01-31``,
``2026-01-31T12:00``, ``2026-01-31T12:00:00+02:00``, ``...Z``); one without a zone is UTC,
and every point comes back as an aware UTC datetime (``report --since``, ``export --since``
and ``--until``, the dashboard's ``since`` and ``until``).

Both raise :class:`BadTime`, a :class:`~storage.errors.StorageError` (one line for the CLI,
a 400 for the dashboard) and a ``ValueError`` (what the sources file reports per field).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from storage.errors import StorageError
from storage.types import as_utc, utcnow

_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
DURATION_HELP = "a number and a unit s, m, h, d or w, such as 30m, 6h or 7d"
WHEN_HELP = "a duration back from now such as 24h or 7d, or an ISO date or time such as 2026-01-31"


class BadTime(StorageError, ValueError):
    """A duration or a point in time that does not parse; the message says what is expected."""


def is_duration(text: str) -> bool:
    return bool(_DURATION.match(text or ""))


def parse_duration(text: str, *, allow_zero: bool = False) -> timedelta:
    """``"15m"`` → 15 minutes; zero only with ``allow_zero`` (an age, not an interval)."""
    match = _DURATION.match(text or "")
    if not match or (int(match.group(1)) == 0 and not allow_zero):
        low = "a number" if allow_zero else "a positive number"
        raise BadTime(f"not a duration: {text!r} ({DURATION_HELP.replace('a number', low)})")
    return timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])


def parse_when(text: str | None, *, now: datetime | None = None, past: bool = False) -> datetime | None:
    """A point in time (see above) as aware UTC; None for None or an empty string. With
    ``past``, a time after ``now`` is refused (the start of a period that has not begun)."""
    if text is None or not text.strip():
        return None
    now = now or utcnow()
    if is_duration(text):
        return now - parse_duration(text, allow_zero=True)
    try:
        when = as_utc(datetime.fromisoformat(text.strip().replace("Z", "+00:00")))
    except ValueError:
        raise BadTime(f"not a time: {text!r} ({WHEN_HELP})") from None
    if past and when > now:
        raise BadTime(f"not a time in the past: {text!r} is after now ({now:%Y-%m-%d %H:%M} UTC)")
    return when
