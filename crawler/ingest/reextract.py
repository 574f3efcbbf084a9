"""Re-extraction: run today's extractor over stored raw bodies, in the crawl's process pool.

The bodies come from ``storage.archive.reextract`` (by default only those whose
current version was made by another extractor version or other options), are
extracted with ``crawler.extract.extractor`` exactly as a crawl would
(``crawler.extract.pool``, one worker per core), and a differing text becomes
a new version of class ``extractor-changed``, matched for copies by a matcher
process meanwhile (``storage.copies.queue``) and in any case before it returns.
Each source's copy links are re-verified at the end.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from crawler.extract.decode import page_encoding
from crawler.extract.extractor import EXTRACTOR, EXTRACTOR_VERSION, OPTIONS_HASH
from crawler.extract.pool import Job, extract_in_order
from storage.archive import Archive
from storage.archive.reextract import StoredBody

OUTCOMES = ("new-version", "unchanged", "no-text", "moved-on", "failed")


def reextract(archive: Archive, *, sources: Sequence[str] = (), everything: bool = False,
              workers: int | None = None, on_page: Callable[[], None] | None = None) -> dict[str, int]:
    """Re-extract the selected pages; returns how many came out each way (see ``OUTCOMES``)."""
    for name in sources:
        archive.check_source(name)  # an unknown name is a one-line error, not an empty run
    counts: Counter[str] = Counter(dict.fromkeys(OUTCOMES, 0))
    bodies = archive.stored_bodies(sources=sources, stale_only=not everything,
                                   extractor=(EXTRACTOR, EXTRACTOR_VERSION, OPTIONS_HASH))
    touched: set[str] = set()
    with archive.matching():  # every new version is matched before this returns
        for done in extract_in_order(bodies, _job, workers=workers):
            outcome = "failed" if done.error else archive.record_reextraction(done.item, done.extracted)
            counts[outcome] += 1
            if outcome == "new-version":
                touched.add(done.item.source)
            if on_page is not None:
                on_page()
    for name in sorted(touched):
        archive.refresh_links(name)
    return {"pages": sum(counts.values()), **{k.replace("-", "_"): v for k, v in counts.items()}}


def _job(body: StoredBody) -> Job:
    # The crawl's own rule for the encoding: BOM, the Content-Type header, <meta charset>.
    return Job(body.body, body.page_url, page_encoding(body.content_type, body.body))
