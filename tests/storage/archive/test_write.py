"""The write path and its change cascade, on SQLite and PostgreSQL."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from storage.errors import StorageError, UnknownPage
from storage.models import Blob, Capture, Page, Version
from tests.support.records import T0, URL, extracted, fetch

V1 = ["Tram line extended", "The council voted to extend the line.", "Work starts in May."]


def rows(archive, model):
    with archive.session() as s:
        return list(s.scalars(select(model).order_by(model.id if hasattr(model, "id") else model.sha256)))


def test_first_fetch_is_version_one_with_blob_stored_once(archive):
    r = archive.record(fetch(b"<html>v1</html>"), extracted(V1))
    assert (r.outcome, r.version_number) == ("new-version", 1)
    archive.record(fetch(b"<html>v1</html>", url=URL + "?utm_source=x", minutes=5))
    (blob,) = rows(archive, Blob)
    assert blob.size == len(b"<html>v1</html>")
    versions = archive.versions(URL)
    assert [v.number for v in versions] == [1]
    assert versions[0].paragraphs == V1
    assert versions[0].change is None and versions[0].parent_id is None


def test_same_body_needs_no_extraction_and_is_unchanged(archive):
    archive.record(fetch(b"<html>v1</html>"), extracted(V1))
    assert archive.prior(URL, b"<html>v1</html>").same_body
    assert not archive.prior(URL, b"<html>other</html>").same_body
    r = archive.record(fetch(b"<html>v1</html>", minutes=10))
    assert (r.outcome, r.version_number) == ("unchanged", 1)


def test_prior_tells_the_crawl_what_it_needs_before_extracting(archive):
    from storage.archive import Prior

    assert archive.prior(URL, b"<html>v1</html>") == Prior(same_body=False, current_chars=None)
    archive.record(fetch(b"<html>v1</html>"), extracted(V1))
    chars = len("\n".join(V1))
    assert archive.prior(URL, b"<html>v1</html>") == Prior(same_body=True, current_chars=chars)
    # Another body: the current text comes with it, for the wall check (no second query).
    assert archive.prior(URL, b"<html>v2</html>") == Prior(same_body=False, current_chars=chars,
                                                           current_text="\n".join(V1))
    # Through an alias too (a redirect's source URL), and a body with no main text has no version.
    archive.record(fetch(b"<html>v1</html>", url=URL, minutes=1, aliases=((URL + "-old", "redirect"),)))
    assert archive.prior(URL + "-old", b"<html>v1</html>").same_body
    archive.record(fetch(b"<html>empty</html>", url=URL + "-empty"), extracted([]))
    assert archive.prior(URL + "-empty", b"<html>empty</html>") == Prior(same_body=False, current_chars=None)


def test_record_known_writes_only_a_stored_body_or_a_304_and_nothing_else(archive):
    # What a re-check asks first of a page whose body hash it knew at its start.
    archive.record(fetch(b"<html>v1</html>"), extracted(V1))
    archive.record(fetch(b"<html>empty</html>", url=URL + "-empty"), extracted([]))  # a body, no version
    captures = len(rows(archive, Capture))
    assert archive.record_known(fetch(b"<html>v2</html>", minutes=5)) is None  # another body: extract it
    assert archive.record_known(fetch(b"<html>v1</html>", url=URL + "-new", minutes=5)) is None  # not stored
    assert archive.record_known(fetch(b"<html>empty</html>", url=URL + "-empty", minutes=5)) is None  # no version
    assert archive.record_known(fetch(b"<html>v1</html>", minutes=5, aliases=((URL + "-a", "redirect"),))) is None
    assert len(rows(archive, Capture)) == captures  # nothing written by any of them
    same = archive.record_known(fetch(b"<html>v1</html>", minutes=10))
    not_modified = archive.record_known(fetch(None, status=304, minutes=20))
    assert [(r.outcome, r.version_number) for r in (same, not_modified)] == [("unchanged", 1), ("not-modified", 1)]
    assert [c.outcome for c in rows(archive, Capture)][-2:] == ["unchanged", "not-modified"]
    assert [v.number for v in archive.versions(URL)] == [1]


def test_new_body_without_extraction_is_refused(archive):
    archive.record(fetch(b"<html>v1</html>"), extracted(V1))
    with pytest.raises(StorageError, match="needs an extraction"):
        archive.record(fetch(b"<html>v2</html>", minutes=10))


def test_typography_only_change_is_not_a_new_version(archive):
    archive.record(fetch(b"a"), extracted(["He said \"yes\" - twice."]))
    r = archive.record(fetch(b"b", minutes=1), extracted(["He  said \u201cyes\u201d \u2014 twice."]))
    assert r.outcome == "unchanged"
    assert len(archive.versions(URL)) == 1


def test_edit_gives_version_two_with_change_summary(archive):
    archive.record(fetch(b"a"), extracted(V1))
    v2 = ["Tram line extended", "The council voted to extend the line north.", "Work starts in May.",
          "A correction was appended."]
    r = archive.record(fetch(b"b", minutes=1), extracted(v2))
    assert (r.outcome, r.version_number) == ("new-version", 2)
    first, second = archive.versions(URL)
    assert second.parent_id == first.id
    assert second.change == {"chars_added": len(" north") + len("A correction was appended."),
                             "chars_removed": 0, "paragraphs_added": 1, "paragraphs_removed": 0,
                             "paragraphs_changed": 1}


def test_revert_is_a_new_version_naming_the_one_it_returns_to(archive):
    archive.record(fetch(b"a"), extracted(V1))
    archive.record(fetch(b"b", minutes=1), extracted(V1[:2]))
    r = archive.record(fetch(b"c", minutes=2), extracted(V1))
    assert (r.outcome, r.version_number, r.reverts_to) == ("new-version", 3, 1)
    v1, v2, v3 = archive.versions(URL)
    assert v3.reverts_to_id == v1.id and v2.reverts_to_id is None
    assert v3.change["paragraphs_added"] == 1


def test_not_modified_gone_and_errors_make_no_version(archive):
    archive.record(fetch(b"a", etag='"e1"'), extracted(V1))
    assert archive.record(fetch(None, status=304, minutes=1)).outcome == "not-modified"
    assert archive.record(fetch(None, status=503, minutes=2, error="HttpError: 503")).outcome == "error"
    assert archive.record(fetch(None, status=None, minutes=3, error="TimeoutError")).outcome == "error"
    assert archive.record(fetch(None, status=404, minutes=4)).outcome == "gone"
    captures = rows(archive, Capture)
    assert [c.outcome for c in captures] == ["new-version", "not-modified", "error", "error", "gone"]
    assert captures[1].version_id == captures[0].version_id
    assert captures[3].error == "TimeoutError"
    (page,) = rows(archive, Page)
    assert page.gone_at == T0 + timedelta(minutes=4)
    assert page.etag == '"e1"'
    assert len(archive.versions(URL)) == 1
    # a gone page that comes back is no longer gone
    archive.record(fetch(b"a", minutes=5), None)
    (page,) = rows(archive, Page)
    assert page.gone_at is None


@pytest.mark.parametrize("status, body, outcome", [(304, None, "not-modified"), (200, b"a", "unchanged")])
def test_a_304_or_the_same_body_writes_the_same_rows_through_its_quick_path_as_through_the_general_one(
        archive, monkeypatch, status, body, outcome):
    # A redirect alias sends the fetch down the general (ORM) path; without one it takes the Core path.
    quick_urls = []
    from storage.archive.write import Writer

    quick = Writer._known_body

    def spy(self, s, fetch, *args):
        recorded = quick(self, s, fetch, *args)
        if recorded:
            quick_urls.append(recorded.page_url)
        return recorded

    monkeypatch.setattr(Writer, "_known_body", spy)
    other = URL.replace("tram", "bus")
    for url in (URL, other):
        archive.record(fetch(b"a", url=url, etag='"e1"'), extracted(V1))
    archive.record(fetch(None, status=404, minutes=2, url=other))  # gone: the 200 brings it back
    archive.record(fetch(None, status=404, minutes=2))
    headers = (("Etag", '"e2"'), ("Server", "test"))
    archive.record(fetch(body, status=status, minutes=5, etag='"e2"', headers=headers, listed_modified="2026-03-02",
                         aliases=((URL + "?old", "redirect"),)), run_id=None)
    archive.record(fetch(body, status=status, minutes=5, url=other, etag='"e2"', headers=headers,
                         listed_modified="2026-03-02"), run_id=None)
    assert quick_urls == [other]
    skip = {"id", "page_id", "version_id", "url"}

    def columns(row):
        return {k: v for k, v in vars(row).items() if not k.startswith("_") and k not in skip}

    general, quick = (c for c in rows(archive, Capture) if c.outcome == outcome)
    assert columns(general) == columns(quick)
    assert quick.headers == [["Etag", '"e2"'], ["Server", "test"]] and quick.version_id is not None
    pages = {page.url: page for page in rows(archive, Page)}
    assert columns(pages[URL]) == columns(pages[other])
    assert pages[other].last_fetched_at == T0 + timedelta(minutes=5)
    assert pages[other].listed_modified == "2026-03-02" and pages[other].next_due_at is not None
    assert (pages[other].gone_at, pages[other].etag) == ((None, '"e2"') if status == 200 else (T0 + timedelta(minutes=2), '"e1"'))


def test_empty_extraction_is_an_error_capture_not_an_empty_version(archive):
    r = archive.record(fetch(b"<html></html>"), extracted([]))
    assert r.outcome == "error"
    assert rows(archive, Version) == []
    assert rows(archive, Capture)[0].error == "no main text found"


def test_aliases_resolve_to_the_page(archive):
    archive.record(fetch(b"a", aliases=(("http://127.0.0.1:9/old/tram", "redirect"),
                                        ("http://127.0.0.1:9/tram-canonical", "canonical"))), extracted(V1))
    assert archive.page("http://127.0.0.1:9/old/tram").url == URL
    assert archive.page("HTTP://127.0.0.1:9/tram-canonical#x").url == URL
    with pytest.raises(UnknownPage):
        archive.page("http://127.0.0.1:9/nothing")


def test_known_pages_carry_validators(archive):
    archive.record(fetch(b"a", etag='"e1"', last_modified="Thu, 01 Jan 2026 12:00:00 GMT"), extracted(V1))
    (known,) = archive.known_pages("gazette")
    assert (known.url, known.etag, known.last_modified) == (URL, '"e1"', "Thu, 01 Jan 2026 12:00:00 GMT")


# -- The write path stores each new version's change class and significance (SQLite and PostgreSQL).



from storage.types import Extracted, Fetch

V1_CLASSES = ["The council voted to extend the tram line to the northern districts.",
      "Supporters said commuting times would fall by a third.",
      "The cost estimate is 310 million euros, opponents called it optimistic."]


def bare_extracted(paragraphs, title="Tram line extended", extractor_version="2.3.1") -> Extracted:
    return Extracted(title, None, None, None, "en", None, tuple(paragraphs), "trafilatura", extractor_version, "abc")


def record(archive, n: int, paragraphs, **kw):
    fetch = Fetch(source="gazette", url=URL, fetched_at=T0 + timedelta(hours=n), status=200,
                  body=f"<html>{n}</html>".encode())
    return archive.record(fetch, bare_extracted(paragraphs, **kw))


def stored(archive):
    return [(v.number, v.change_class, v.significance) for v in archive.versions(URL)]


def test_classes_and_significance_are_stored_per_version(archive):
    record(archive, 0, V1_CLASSES)
    record(archive, 1, [V1_CLASSES[0], V1_CLASSES[1].replace("commuting", "comuting"), V1_CLASSES[2]])
    record(archive, 2, V1_CLASSES)  # the typo fixed: text of version 1 again
    record(archive, 3, V1_CLASSES[:2])  # the cost paragraph retracted
    record(archive, 4, V1_CLASSES[:2] + ["Correction: the vote was on Tuesday, not Monday."])
    rows = stored(archive)
    assert [r[:2] for r in rows] == [(1, None), (2, "typo"), (3, "revert"), (4, "paragraphs-removed"),
                                     (5, "correction-appended")]
    assert rows[0][2] is None
    assert rows[1][2] == pytest.approx(0.05)
    assert rows[3][2] >= 0.6 > rows[1][2]


def test_new_title_over_the_same_text_is_a_title_version(archive):
    record(archive, 0, V1_CLASSES)
    r = record(archive, 1, V1_CLASSES, title="Council backs tram extension")
    assert (r.outcome, r.version_number, r.reverts_to) == ("new-version", 2, None)
    same = record(archive, 2, V1_CLASSES, title="Council backs  tram extension")  # white space only
    assert same.outcome == "unchanged"
    back = record(archive, 3, V1_CLASSES)
    assert (back.version_number, back.reverts_to) == (3, 1)
    assert [r[:2] for r in stored(archive)] == [(1, None), (2, "title"), (3, "revert")]


def test_new_extractor_version_with_the_same_words_is_extractor_changed(archive):
    record(archive, 0, V1_CLASSES)
    record(archive, 1, [V1_CLASSES[0] + " " + V1_CLASSES[1], V1_CLASSES[2]], extractor_version="2.4.0")
    assert stored(archive)[-1] == (2, "extractor-changed", 0.0)
