"""A small corpus on three sources, for the tests of corpus export: an origin article in two
versions, an excerpt of it on a mirror, and a short French page elsewhere."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage.archive import Archive
from storage.types import Extracted, Fetch
from tests.support.records import ARTICLE

T0 = datetime(2026, 3, 1, 8, tzinfo=UTC)


ORIGIN, MIRROR, OTHER = "http://127.0.0.1:9001", "http://127.0.0.1:9002", "http://127.0.0.1:9003"


A, COPY, B = f"{ORIGIN}/a.html", f"{MIRROR}/copy/", f"{OTHER}/b.html"


CORRECTION = "Correction: the dredging will take three winters, not two as first reported."


FRENCH = ["Le conseil municipal a voté mardi le prolongement du tramway vers les quartiers nord."]


def put(archive, source, url, paragraphs, *, days=0, title="Harbour channel to be deepened", language="en"):
    extracted = Extracted(title, "A. Writer", "2026-03-01", None, language, None, tuple(paragraphs),
                          "trafilatura", "2.3.1", "test")
    body = ("<html>" + "|".join(paragraphs) + "</html>").encode()
    return archive.record(Fetch(source, url, T0 + timedelta(days=days), 200, body), extracted)


def build(url: str) -> Archive:
    """Origin article (2 versions), an excerpt of it on a mirror, a short French page elsewhere."""
    archive = Archive.open(url)
    archive.ensure_source("port-news", role="origin", origin=ORIGIN)
    archive.ensure_source("harbour-watch", role="mirror", origin=MIRROR)
    archive.ensure_source("autre", role="origin", origin=OTHER)
    put(archive, "port-news", A, ARTICLE)
    put(archive, "harbour-watch", COPY, ARTICLE[2:4], days=1, title="Dredging plan")
    put(archive, "port-news", A, ARTICLE + [CORRECTION], days=2)
    put(archive, "autre", B, FRENCH, days=3, title="Tramway", language="fr")
    return archive


@pytest.fixture
def archive(db_url):
    archive = build(db_url)
    yield archive
    archive.engine.dispose()
