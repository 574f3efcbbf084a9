"""The re-check policy: due times on literal datetimes, the archive hook, and crawls that
re-check only due pages and skip pages whose sitemap says they have not changed."""
from datetime import UTC, datetime, timedelta

import pytest

from storage.archive import Archive
from storage.archive.recheck import (
    RecheckLimits,
    listed_unchanged,
    next_due,
    parse_listed_date,
)
from storage.types import Extracted, Fetch
from tests.support.sites import PARAGRAPHS

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("age, interval", [
    (timedelta(hours=2), timedelta(minutes=15)),
    (timedelta(hours=23, minutes=59), timedelta(minutes=15)),
    (timedelta(days=1), timedelta(hours=1)),
    (timedelta(days=2), timedelta(hours=1)),
    (timedelta(days=5), timedelta(hours=6)),
    (timedelta(days=10), timedelta(days=1)),
    (timedelta(days=400), timedelta(weeks=1)),
    (timedelta(hours=-3), timedelta(minutes=15)),  # a published date in the future counts as new
])
def test_interval_grows_with_the_articles_age(age, interval):
    assert next_due(NOW, born=NOW - age) == NOW + interval


def test_a_change_brings_the_next_check_forward_even_for_an_old_article():
    born = NOW - timedelta(days=90)
    assert next_due(NOW, born=born) == NOW + timedelta(weeks=1)
    assert next_due(NOW, born=born, changed=True) == NOW + timedelta(minutes=15)


def test_source_limits_bound_the_interval():
    limits = RecheckLimits(min=timedelta(hours=2), max=timedelta(days=2))
    assert next_due(NOW, born=NOW - timedelta(hours=1), limits=limits) == NOW + timedelta(hours=2)
    assert next_due(NOW, born=NOW - timedelta(days=90), limits=limits) == NOW + timedelta(days=2)
    assert next_due(NOW, born=NOW - timedelta(days=5), limits=limits) == NOW + timedelta(hours=6)


def test_listing_dates_in_sitemap_and_feed_formats():
    assert parse_listed_date("2026-03-10T09:30:00+01:00") == datetime(2026, 3, 10, 8, 30, tzinfo=UTC)
    assert parse_listed_date("2026-03-10T08:30:00Z") == datetime(2026, 3, 10, 8, 30, tzinfo=UTC)
    assert parse_listed_date("Tue, 10 Mar 2026 08:30:00 GMT") == datetime(2026, 3, 10, 8, 30, tzinfo=UTC)
    # A bare day counts as its end: an edit later that day must not be skipped.
    assert parse_listed_date("2026-03-10") == datetime(2026, 3, 11, tzinfo=UTC)
    assert parse_listed_date("last tuesday") is None
    captured = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    assert listed_unchanged("2026-03-10T11:00:00Z", captured)
    assert not listed_unchanged("2026-03-10T13:00:00Z", captured)
    assert not listed_unchanged("2026-03-10", captured)
    assert listed_unchanged("2026-03-09", captured)
    assert not listed_unchanged(None, captured)
    assert not listed_unchanged("2026-03-09", None)


def _extracted(paragraphs, published=None):
    return Extracted("Tram", None, published, None, "en", None, tuple(paragraphs), "trafilatura", "2.3", "x")


def test_recording_a_capture_sets_the_next_due_time(db_url):
    archive = Archive.open(db_url)
    archive.ensure_source("news", role="origin", origin="http://127.0.0.1:1")
    url = "http://127.0.0.1:1/articles/tram.html"
    published = "2026-03-09"  # 1.5 days before NOW: one hour
    first = archive.record(Fetch("news", url, NOW, 200, b"<p>v1</p>"), _extracted(PARAGRAPHS, published),
                           recheck=RecheckLimits())
    assert first.outcome == "new-version"
    assert archive.page(url).next_due_at == NOW + timedelta(hours=1)
    later = NOW + timedelta(hours=1)
    archive.record(Fetch("news", url, later, 304))
    assert archive.page(url).next_due_at == later + timedelta(hours=1)
    edited = archive.record(Fetch("news", url, later + timedelta(hours=1), 200, b"<p>v2</p>"),
                            _extracted(PARAGRAPHS[:3], published))
    assert edited.outcome == "new-version"
    assert archive.page(url).next_due_at == later + timedelta(hours=1, minutes=15)
    capped = archive.record(Fetch("news", url, NOW + timedelta(days=30), 304),
                            recheck=RecheckLimits(max=timedelta(hours=3)))
    assert capped.outcome == "not-modified"
    assert archive.page(url).next_due_at == NOW + timedelta(days=30, hours=3)
