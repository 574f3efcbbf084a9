"""Records for the re-extraction and retention tests: captures of the source "gazette"
(http://127.0.0.1:9, the ``archive`` fixture's), extractions by an earlier extractor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from storage.models import Capture
from storage.types import Extracted, Fetch

T0 = datetime(2026, 1, 1, 12, tzinfo=UTC)


SITE = "http://127.0.0.1:9"


def old_extraction(paragraphs, *, version="1.0-old", options="oldoptions") -> Extracted:
    """What an earlier extractor made of a page (here: the page furniture kept as text)."""
    return Extracted("Tram", None, None, None, "en", None, tuple(paragraphs), "trafilatura", version, options)


def fetch(url, body: bytes | None, minutes: int, status: int = 200) -> Fetch:
    return Fetch("gazette", url, T0 + timedelta(minutes=minutes), status, body)


def captures(archive) -> list[tuple[str, int, str]]:
    with archive.session() as s:
        return [(c.outcome, int((c.fetched_at - T0).total_seconds() // 86400), c.body_sha256 is not None)
                for c in s.scalars(select(Capture).order_by(Capture.fetched_at, Capture.id))]
