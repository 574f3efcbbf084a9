"""The verified match: a candidate page, fully extracted, aligned against the archived pages
the first pass found, with the copy links' own definitions.

The scanned page becomes a :class:`~storage.copies.Side` that is not stored (ids 0, a
``mirror`` source of its host, no boilerplate learned yet: what the archive would hold
after recording it), and each archived candidate is loaded as the archive's matching
loads it (``storage.copies.load_sides``). Which side is the original is
``storage.copies.choose_original``'s rule, the alignment ``storage.copies.compare``:
containment both ways, so a copy carrying an excerpt of an archived page and a page
carrying the whole of an archived excerpt both match. Nothing is written here; a
match is recorded through the archive's normal path (``crawler.scan.recording``), whose
copy matching aligns the page again, against the whole fingerprint index, and stores its
links. So a scan asks here only whether the page matches one candidate (``first``): a page
is aligned twice against that one archived page, not against all its candidates twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from storage.copies import Side, attribution, choose_original, compare, load_sides
from storage.copies.index import PageRef, SourceRef, VersionRef
from storage.types import Extracted

SCANNED = 0  # the id of the scanned page's (unstored) rows


@dataclass(frozen=True)
class Match:
    """A scanned page that carries an archived page's text, or whose text an archived page carries."""

    archived_page_id: int
    archived_url: str
    relation: str
    original: str  # "archived" or "scanned"
    reason: str  # the rule that chose the original
    coverage: float
    precision: float


def scanned_side(url: str, fetched_at: datetime, extracted: Extracted, source: str) -> Side:
    version = VersionRef(SCANNED, 1, extracted.title, extracted.text, extracted.published, extracted.site_name,
                         extracted.canonical_url, attribution(extracted.paragraphs, extracted.links))
    return Side(PageRef(SCANNED, url, SCANNED, fetched_at), version, SourceRef(SCANNED, source, "mirror"), set())


def verify(s: Session, scanned: Side, candidates: list[int], *, first: bool = False) -> list[Match]:
    """The candidates (archived page ids) that the scanned page is a copy of, or that copy it;
    with ``first``, only the first one found: enough to know that the page is to be recorded."""
    found = []
    for page_id, archived in load_sides(s, candidates).items():
        original, copy, reason = choose_original(s, archived, scanned)
        alignment = compare(original, copy)
        if alignment.is_copy:
            found.append(Match(page_id, archived.page.url, alignment.relation,
                               "archived" if original is archived else "scanned", reason,
                               alignment.coverage, alignment.precision))
            if first:
                break
    return found
