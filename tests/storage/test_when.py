"""Durations and points in time as the command line and the dashboard take them (``storage.when``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage.errors import StorageError
from storage.when import BadTime, parse_duration, parse_when


def test_parse_age():
    # an age (prune --older-than): zero allowed
    assert parse_duration("90d", allow_zero=True) == timedelta(days=90)
    assert parse_duration("12h", allow_zero=True) == timedelta(hours=12)
    assert parse_duration("2w", allow_zero=True) == timedelta(weeks=2)


def test_since_accepts_durations_and_iso_dates():
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    assert parse_when("24h", now=now) == datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
    assert parse_when("7d", now=now) == datetime(2026, 3, 3, 12, 0, tzinfo=UTC)
    assert parse_when("30m", now=now) == datetime(2026, 3, 10, 11, 30, tzinfo=UTC)
    assert parse_when("2026-01-31", now=now) == datetime(2026, 1, 31, tzinfo=UTC)
    assert parse_when("2026-01-31T10:00+02:00", now=now) == datetime(2026, 1, 31, 8, tzinfo=UTC)
    for bad in ("yesterday", "24", "h", "-3d"):
        with pytest.raises(BadTime, match=f"not a time: '{bad}'") as raised:
            parse_when(bad, now=now)
        assert isinstance(raised.value, StorageError) and isinstance(raised.value, ValueError)
