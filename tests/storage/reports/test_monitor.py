"""The monitoring report's data on archives written through the write path (SQLite and PostgreSQL)."""

from datetime import UTC, datetime, timedelta

import pytest

from crawler.render.html import monitor_html
from storage.archive import Archive
from storage.errors import StorageError
from storage.reports.monitor import monitor_report
from storage.types import Extracted, Fetch

T0 = datetime(2026, 1, 1, 12, tzinfo=UTC)
SITE = "http://127.0.0.1:9"
A = ["The council voted to extend the tram line to the northern districts on Tuesday evening.",
     "Supporters said commuting times would fall by a third for forty thousand residents.",
     "The cost estimate is 310 million euros, and opponents called it optimistic."]
B = A[:2] + ["The cost estimate is 410 million euros, and opponents called it optimistic."]


@pytest.fixture
def archive(db_url) -> Archive:
    archive = Archive.open(db_url)
    archive.ensure_source("gazette", role="origin", origin=SITE)
    archive.ensure_source("other", role="origin", origin="http://127.0.0.1:8")
    yield archive
    archive.engine.dispose()


def record(archive, path: str, hours: float, paragraphs, *, title="Tram", status=200, source="gazette"):
    site = SITE if source == "gazette" else "http://127.0.0.1:8"
    body = f"<html>{title}{paragraphs}</html>".encode() if status == 200 else None
    fetch = Fetch(source=source, url=site + path, fetched_at=T0 + timedelta(hours=hours), status=status, body=body)
    if status != 200:
        return archive.record(fetch)
    return archive.record(fetch, Extracted(title, None, None, None, "en", None, tuple(paragraphs),
                                           "trafilatura", "2.3.1", "abc"))


def report(archive, since_hours: float, **kw) -> dict:
    # Until now: crawl runs are stamped with the real time.
    return monitor_report(archive.session, since=T0 + timedelta(hours=since_hours), **kw)


def test_flapping_is_reported_once_not_per_flip(archive):
    for hour, text in enumerate([A, B, A, B]):
        record(archive, "/flap.html", hour, text)
    record(archive, "/steady.html", 0, [p.replace("tram", "bus") for p in A])
    record(archive, "/steady.html", 2, [p.replace("tram", "bus") for p in A[:2]])
    data = report(archive, 0.5)
    assert [(c["url"].rsplit("/", 1)[1], c["class"]) for c in data["changed"]] == [
        ("steady.html", "paragraphs-removed"), ("flap.html", "flapping")]
    flap = data["changed"][1]
    assert flap["flapping"] == {"between": [1, 2], "flips": 3}
    assert flap["versions"] == [2, 3, 4]
    page = monitor_html(data)
    assert "Changed articles (1)" in page and "Flapping between two texts (1)" in page
    assert flap["diff"] == ["~ The cost estimate is [-310-] {+410+} million euros, and opponents …"]
    # Two changes back and forth are a revert, not yet flapping.
    assert [c["class"] for c in report(archive, 0.5, source="gazette", min_significance=0.0)["changed"]
            if c["url"].endswith("flap.html")] == ["flapping"]
    assert [c["class"] for c in monitor_report(archive.session, since=T0, until=T0 + timedelta(hours=2.5))["changed"]
            if c["url"].endswith("flap.html")] == ["numbers-or-dates", "revert"]


def test_min_significance_and_source_filter_the_changes(archive):
    record(archive, "/a.html", 0, A)
    record(archive, "/a.html", 1, [A[0], A[1].replace("commuting", "comuting"), A[2]])
    record(archive, "/b.html", 0, [p + " Really." for p in A], source="other")
    record(archive, "/b.html", 1, [p + " Really." for p in A[:2]], source="other")
    everything = report(archive, 0.5)
    assert [(c["class"], c["source"]) for c in everything["changed"]] == [
        ("paragraphs-removed", "other"), ("typo", "gazette")]
    assert [c["class"] for c in report(archive, 0.5, min_significance=0.3)["changed"]] == ["paragraphs-removed"]
    only = report(archive, -1, source="gazette")
    assert [c["url"] for c in only["changed"]] == [SITE + "/a.html"]
    assert [n["url"] for n in only["new"]] == [SITE + "/a.html"]
    with pytest.raises(StorageError, match="unknown source 'nope'"):
        report(archive, 0, source="nope")


def test_new_and_gone_pages_in_the_period(archive):
    record(archive, "/old.html", 0, A)
    record(archive, "/new.html", 5, B, title="New one")
    record(archive, "/old.html", 6, None, status=404)
    data = report(archive, 1)
    assert [(n["url"], n["title"], n["version"]) for n in data["new"]] == [(SITE + "/new.html", "New one", 1)]
    assert [(g["url"], g["source"], g["title"]) for g in data["gone"]] == [(SITE + "/old.html", "gazette", "Tram")]
    assert data["changed"] == []
    # A session factory does as well as the archive, and a naive time is UTC.
    naive = monitor_report(archive.session, since=(T0 + timedelta(hours=1)).replace(tzinfo=None))
    assert [n["url"] for n in naive["new"]] == [SITE + "/new.html"]
    assert naive["since"] == (T0 + timedelta(hours=1)).isoformat()


def test_texts_shrinking_on_several_pages_is_a_health_warning_not_changes(archive):
    for n in range(3):
        record(archive, f"/p{n}.html", 0, [f"Page {n}. " + p for p in A])
    run = archive.start_run("gazette")
    for n in range(3):
        record(archive, f"/p{n}.html", 2, [f"Page {n}. " + A[0]])  # the template changed: text lost
    archive.finish_run(run, reason="finished",
                       stats={"mirrorwatch/captures/new-version": 3})
    data = report(archive, 1)
    assert data["changed"] == []
    (health,) = data["health"]
    assert (health["source"], health["url"], health["status"]) == ("gazette", SITE, "warning")
    assert health["warnings"] == ["extraction returned much shorter texts on 3 pages (held back from the changes)"]
    assert sorted(p["url"] for p in health["pages"]) == [f"{SITE}/p{n}.html" for n in range(3)]
    assert health["last_run"]["new_version"] == 3


def test_one_truncated_page_is_a_change_and_a_crawl_that_found_nothing_is_a_warning(archive):
    record(archive, "/p.html", 0, A)
    run = archive.start_run("gazette")
    record(archive, "/p.html", 2, [A[0][:40]])
    archive.finish_run(run, reason="finished", stats={"mirrorwatch/captures/new-version": 1})
    empty = archive.start_run("other")
    archive.finish_run(empty, reason="finished", stats={})
    data = report(archive, 1)
    assert [c["class"] for c in data["changed"]] == ["truncated"]
    health = {h["source"]: h for h in data["health"]}
    assert health["gazette"]["status"] == "ok" and health["gazette"]["warnings"] == []
    assert health["other"]["warnings"] == ["the last crawl fetched no pages"]


def test_html_report_escapes_scraped_text(archive):
    planted = "<script>alert('pwned')</script> and <img src=x onerror=alert(1)>"
    record(archive, "/x.html", 0, A, title="<script>alert(1)</script>")
    record(archive, "/x.html", 1, A + [planted], title="<script>alert(1)</script>")
    page = monitor_html(report(archive, -1))
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "default-src 'none'" in page


def test_versions_stored_before_change_classes_are_classified_in_the_report(archive):
    from sqlalchemy import update

    from storage.models import Version

    record(archive, "/a.html", 0, A)
    record(archive, "/a.html", 1, B)
    with archive.session.begin() as s:
        s.execute(update(Version).values(change_class=None, significance=None))
    (change,) = report(archive, 0.5)["changed"]
    assert (change["class"], change["significance"]) == ("numbers-or-dates", 0.4)
