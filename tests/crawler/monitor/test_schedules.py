"""Schedules parse and say when a source is due."""
from datetime import UTC, datetime, timedelta

import pytest

from crawler.monitor.schedules import parse_schedule

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


# -- schedules and due sources ---------------------------------------------------


def test_schedules_parse_and_say_when_a_source_is_due():
    every = parse_schedule("6h")
    assert every.interval == timedelta(hours=6) and every.jitter == 300
    assert every.is_due(None, NOW)
    assert not every.is_due(NOW - timedelta(hours=5, minutes=59), NOW)
    assert every.is_due(NOW - timedelta(hours=6), NOW)
    cron = parse_schedule("0 */2 * * *")
    assert cron.cron == "0 */2 * * *"
    assert cron.is_due(NOW - timedelta(minutes=1), NOW)  # 12:00 came after 11:59
    assert not cron.is_due(NOW + timedelta(seconds=30), NOW + timedelta(minutes=118))  # 14:00 not yet
    assert parse_schedule("2s").jitter == pytest.approx(0.2)
    for bad in ("soon", "0m", "61 * * * *", "* * *"):
        with pytest.raises(ValueError):
            parse_schedule(bad)
