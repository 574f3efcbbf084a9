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


def test_a_point_that_must_be_past_is_refused_in_the_future():
    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert parse_when("2026-03-01T11:00", now=now, past=True) == datetime(2026, 3, 1, 11, tzinfo=UTC)
    assert parse_when("24h", now=now, past=True) == datetime(2026, 2, 28, 12, tzinfo=UTC)
    with pytest.raises(BadTime) as err:
        parse_when("2030-01-01", now=now, past=True)
    assert str(err.value) == "not a time in the past: '2030-01-01' is after now (2026-03-01 12:00 UTC)"
    assert parse_when("2030-01-01", now=now) == datetime(2030, 1, 1, tzinfo=UTC)  # --until may be ahead
