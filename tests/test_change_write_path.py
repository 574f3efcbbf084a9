"""The write path stores each new version's change class and significance (SQLite and PostgreSQL)."""

from datetime import UTC, datetime, timedelta

import pytest

from storage.types import Extracted, Fetch
from tests.test_archive import archive  # noqa: F401  (the fixture: source "gazette" on SQLite and PostgreSQL)

URL = "http://127.0.0.1:9/articles/tram.html"
T0 = datetime(2026, 1, 1, 12, tzinfo=UTC)
V1 = ["The council voted to extend the tram line to the northern districts.",
      "Supporters said commuting times would fall by a third.",
      "The cost estimate is 310 million euros, opponents called it optimistic."]


def extracted(paragraphs, title="Tram line extended", extractor_version="2.3.1") -> Extracted:
    return Extracted(title, None, None, None, "en", None, tuple(paragraphs), "trafilatura", extractor_version, "abc")


def record(archive, n: int, paragraphs, **kw):
    fetch = Fetch(source="gazette", url=URL, fetched_at=T0 + timedelta(hours=n), status=200,
                  body=f"<html>{n}</html>".encode())
    return archive.record(fetch, extracted(paragraphs, **kw))


def stored(archive):
    return [(v.number, v.change_class, v.significance) for v in archive.versions(URL)]


def test_classes_and_significance_are_stored_per_version(archive):
    record(archive, 0, V1)
    record(archive, 1, [V1[0], V1[1].replace("commuting", "comuting"), V1[2]])
    record(archive, 2, V1)  # the typo fixed: text of version 1 again
    record(archive, 3, V1[:2])  # the cost paragraph retracted
    record(archive, 4, V1[:2] + ["Correction: the vote was on Tuesday, not Monday."])
    rows = stored(archive)
    assert [r[:2] for r in rows] == [(1, None), (2, "typo"), (3, "revert"), (4, "paragraphs-removed"),
                                     (5, "correction-appended")]
    assert rows[0][2] is None
    assert rows[1][2] == pytest.approx(0.05)
    assert rows[3][2] >= 0.6 > rows[1][2]


def test_new_title_over_the_same_text_is_a_title_version(archive):
    record(archive, 0, V1)
    r = record(archive, 1, V1, title="Council backs tram extension")
    assert (r.outcome, r.version_number, r.reverts_to) == ("new-version", 2, None)
    same = record(archive, 2, V1, title="Council backs  tram extension")  # white space only
    assert same.outcome == "unchanged"
    back = record(archive, 3, V1)
    assert (back.version_number, back.reverts_to) == (3, 1)
    assert [r[:2] for r in stored(archive)] == [(1, None), (2, "title"), (3, "revert")]


def test_new_extractor_version_with_the_same_words_is_extractor_changed(archive):
    record(archive, 0, V1)
    record(archive, 1, [V1[0] + " " + V1[1], V1[2]], extractor_version="2.4.0")
    assert stored(archive)[-1] == (2, "extractor-changed", 0.0)
