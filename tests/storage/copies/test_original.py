"""The original of a copy: the choice between two origins, attribution to an uncrawled publisher."""
from datetime import UTC, datetime, timedelta

import pytest
from storage.archive import Archive
from storage.types import Extracted, Fetch
from tests.support.records import ARTICLE

T0 = datetime(2026, 3, 1, tzinfo=UTC)
ORIGIN, MIRROR = "http://127.0.0.1:9001", "http://127.0.0.1:9002"


def ex(paragraphs, *, published=None, canonical=None, links=(), site=None):
    return Extracted("Harbour channel to be deepened", None, published, site, "en", canonical, tuple(paragraphs),
                     "trafilatura", "2.3.1", "test", tuple(links))


@pytest.fixture
def archive(db_url):
    archive = Archive.open(db_url)
    archive.ensure_source("port-news", role="origin", origin=ORIGIN)
    archive.ensure_source("harbour-watch", role="mirror", origin=MIRROR)
    archive.ensure_source("other-news", role="origin", origin="http://127.0.0.1:9003")
    yield archive
    archive.engine.dispose()


def put(archive, source, url, paragraphs, *, minutes=0, **kw):
    body = ("|".join(paragraphs) + repr(kw)).encode()
    return archive.record(Fetch(source, url, T0 + timedelta(minutes=minutes), 200, body), ex(paragraphs, **kw))


def only_copy(archive, url):
    (row,) = archive.copies(url)
    return row


@pytest.mark.parametrize("reason", ["declared attribution (link)", "declared attribution (name)", "canonical",
                                    "earlier published date", "earlier first capture"])
def test_original_choice_between_two_origins(archive, reason):
    # Both sources are origins, so the role cannot decide; the copy is recorded FIRST
    # unless the rule under test is the first capture.
    a_url, b_url = f"{ORIGIN}/a.html", "http://127.0.0.1:9003/b.html"
    copy_kw, original_kw = {}, {}
    if reason == "declared attribution (link)":
        copy_kw["links"] = [a_url]
    elif reason == "declared attribution (name)":
        copy_kw["extra"] = ["This article was originally published on Port News."]
        original_kw["site"] = "Port News"
    elif reason == "canonical":
        copy_kw["canonical"] = a_url
    elif reason == "earlier published date":
        original_kw["published"], copy_kw["published"] = "2026-02-01", "2026-02-03"
    extra = copy_kw.pop("extra", [])
    if reason == "earlier first capture":
        put(archive, "port-news", a_url, ARTICLE, **original_kw)
        put(archive, "other-news", b_url, ARTICLE + extra, minutes=5, **copy_kw)
    else:
        put(archive, "other-news", b_url, ARTICLE + extra, **copy_kw)
        put(archive, "port-news", a_url, ARTICLE, minutes=5, **original_kw)
    row = only_copy(archive, b_url)
    assert row["original_url"] == a_url
    assert row["original_reason"] == reason.split(" (")[0]


def test_attribution_is_stored_even_for_an_uncrawled_publisher(archive):
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE + ["This article was originally published on OneWorld."])
    (version,) = archive.versions(f"{ORIGIN}/a.html")
    assert version.attribution == {"names": ["OneWorld"], "links": []}
