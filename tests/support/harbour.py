"""The harbour story on three sources, for the tests of copies: an origin, a mirror blog with its
own furniture, and another origin; records of it as the crawl hands them over."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage.archive import Archive
from storage.types import Extracted, Fetch

T0 = datetime(2026, 3, 1, tzinfo=UTC)
ORIGIN, MIRROR = "http://127.0.0.1:9001", "http://127.0.0.1:9002"


BLOG_FURNITURE = ["Share this:", "Published by Harbour Watch", "Leave a Reply", "Like this: Like Loading..."]


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


def blog_history(archive, n=4):
    """Other blog posts carrying the blog's furniture, so it is learned as boilerplate."""
    for i in range(n):
        put(archive, "harbour-watch", f"{MIRROR}/post-{i}/",
            [f"Post {i}: a short note about the lighthouse open day number {i} and its volunteers, who repainted the railings."]
            + BLOG_FURNITURE)


def only_copy(archive, url):
    (row,) = archive.copies(url)
    return row
