"""Records for the archive: extractions and fetches as the crawl would hand them over, and a
real article's paragraphs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.types import Extracted, Fetch

URL = "http://127.0.0.1:9/articles/tram.html"
T0 = datetime(2026, 1, 1, 12, tzinfo=UTC)

# A harbour story of six paragraphs (copies, corpus export).
ARTICLE = [
    "Harbour authorities approved a plan on Monday to deepen the main shipping channel by two metres, allowing the largest container vessels to dock without waiting for high tide.",
    "The dredging will remove roughly four million cubic metres of sediment over three winters, when fewer ships use the port and fish spawning grounds are less disturbed.",
    "Environmental groups said the assessment underestimated the effect on the estuary's mudflats, which shelter tens of thousands of migrating birds every autumn.",
    "The port's director replied that a monitoring programme would measure turbidity every day and stop the work whenever agreed limits were exceeded.",
    "Shipping lines have warned for years that the port would lose traffic to its neighbours unless the channel was deepened for the newest generation of vessels.",
    "Local fishermen asked for compensation, arguing that the work would close their best grounds for most of three seasons and that no alternative had been offered.",
]


def extracted(paragraphs, title="Tram line extended") -> Extracted:
    return Extracted(title, "A. Writer", "2026-01-01", "Gazette", "en", None, tuple(paragraphs),
                     "trafilatura", "2.3.1", "abc")


def fetch(body: bytes | None, *, status=200, minutes=0, url=URL, **kw) -> Fetch:
    return Fetch(source="gazette", url=url, fetched_at=T0 + timedelta(minutes=minutes), status=status,
                 body=body, **kw)
