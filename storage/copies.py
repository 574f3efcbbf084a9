"""Copies across sources: candidates from the fingerprint index, alignment, links.

When a page gets a new version (``storage.archive``), :func:`index_version`
replaces the page's fingerprints and notes its paragraphs for boilerplate
learning, and :func:`match_page` looks up pages of *other* sources sharing
fingerprints, verifies each candidate by alignment (``storage.align``) and
stores or updates a pairwise link, or removes one that no longer holds.
Hashes found on more than ``MAX_DF`` pages are stock phrases and ignored.

The original of a pair is chosen by the first rule that decides: a source
whose role is ``origin`` against a ``mirror``; a declared attribution (a link
to the other page, or "originally published on X" naming the other site);
``rel=canonical`` pointing at the other; the earlier published date; the
earlier first capture.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.orm import Session

from storage import boilerplate
from storage.align import Alignment, align
from storage.fingerprints import fingerprints
from storage.models import CopyLink, Fingerprint, Page, PageAlias, Source, Version
from storage.normalize import normalize_url
from storage.types import utcnow

MIN_SHARED = 2  # sampled hashes two texts must share to be compared at all
SHORT_TEXT_HASHES = 30  # below this many hashes, one shared hash is enough
MAX_DF = 50  # pages a hash may occur on before it counts as a stock phrase
MAX_CANDIDATES = 25
_CHUNK = 500

_ATTRIBUTION = re.compile(
    r"\b(?:originally|first)\s+(?:published|appeared|posted|ran)\s+(?:on|in|at|by)\s+"
    r"(?:the\s+)?(?P<name>[^.,;:!?()]{2,60}?)\s*(?:[.,;:!?()]|$|\s+on\s+\w+\s+\d)"
    r"|^\s*(?:source|via|republished from|reprinted from)\s*:?\s+(?P<name2>[^.,;:!?()]{2,60}?)\s*\.?\s*$",
    re.IGNORECASE,
)


def attribution(paragraphs: Sequence[str], links: Sequence[str]) -> dict | None:
    """Publishers a text names as its source, and the links it carries."""
    names: list[str] = []
    for paragraph in paragraphs:
        for m in _ATTRIBUTION.finditer(paragraph):
            name = (m.group("name") or m.group("name2") or "").strip()
            if name and name not in names:
                names.append(name)
    links = sorted({normalize_url(u) for u in links})
    return {"names": names, "links": links} if names or links else None


@dataclass
class Side:
    page: Page
    version: Version
    source: Source
    boilerplate: set[int]

    @property
    def paragraphs(self) -> list[str]:
        return self.version.paragraphs


def load_side(s: Session, page_id: int) -> Side | None:
    row = s.execute(
        select(Page, Version, Source)
        .join(Version, Version.page_id == Page.id)
        .join(Source, Source.id == Page.source_id)
        .where(Page.id == page_id)
        .order_by(Version.number.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    page, version, source = row
    return Side(page, version, source, boilerplate.boilerplate_indexes(s, source.id, version.paragraphs))


def index_version(s: Session, page: Page, version: Version, source: Source) -> Side:
    """Replace the page's fingerprints with its new version's; returns it as a Side."""
    paragraphs = version.paragraphs
    first = version.number == 1  # nothing of this page is indexed yet
    boilerplate.remember(s, page.source_id, page.id, paragraphs, first=first)
    skip = boilerplate.boilerplate_indexes(s, page.source_id, paragraphs)
    hashes = fingerprints(p for i, p in enumerate(paragraphs) if i not in skip)
    if not first:
        s.execute(delete(Fingerprint).where(Fingerprint.page_id == page.id))
    if hashes:
        s.execute(insert(Fingerprint), [{"hash": h, "page_id": page.id, "source_id": page.source_id} for h in hashes])
    return Side(page, version, source, skip)


def candidates(s: Session, page_id: int, source_id: int) -> list[int]:
    """Pages of other sources sharing enough rare fingerprints, most shared first."""
    hashes = list(s.scalars(select(Fingerprint.hash).where(Fingerprint.page_id == page_id)))
    shared: dict[int, int] = {}
    for start in range(0, len(hashes), _CHUNK):
        chunk = hashes[start : start + _CHUNK]
        rare = select(Fingerprint.hash).where(Fingerprint.hash.in_(chunk)).group_by(Fingerprint.hash) \
            .having(func.count() <= MAX_DF)
        rows = s.execute(
            select(Fingerprint.page_id, func.count())
            .where(Fingerprint.hash.in_(rare), Fingerprint.source_id != source_id)
            .group_by(Fingerprint.page_id)
        )
        for other, n in rows:
            shared[other] = shared.get(other, 0) + n
    # A short text (a one-paragraph excerpt) samples few hashes: one rare shared hash is enough
    # to be worth an alignment; MAX_CANDIDATES bounds the cost.
    need = 1 if len(hashes) < SHORT_TEXT_HASHES else MIN_SHARED
    ranked = sorted((n, -p) for p, n in shared.items() if n >= need)
    return [-p for n, p in reversed(ranked)][:MAX_CANDIDATES]


def match_page(s: Session, page_id: int, side: Side | None = None) -> list[CopyLink]:
    """(Re)compute every copy link of a page against the index."""
    side = side or load_side(s, page_id)
    if side is None:
        return []
    # The candidates, and every page already linked (its link must be re-verified, not
    # dropped just because it fell outside the candidate limit).
    linked = [] if side.version.number == 1 else s.execute(
        select(CopyLink.original_page_id, CopyLink.copy_page_id).where(
            or_(CopyLink.original_page_id == page_id, CopyLink.copy_page_id == page_id))).all()
    others = dict.fromkeys(candidates(s, page_id, side.source.id))
    others.update(dict.fromkeys(a if b == page_id else b for a, b in linked))
    found = []
    for other_id in others:
        other = load_side(s, other_id)
        if other is not None and (link := relate(s, side, other)) is not None:
            found.append(link)
    return found


def refresh_links(s: Session, source_id: int) -> int:
    """Re-verify the links of a source's pages (boilerplate learned since may change them)."""
    pages = select(Page.id).where(Page.source_id == source_id)
    links = s.scalars(select(CopyLink).where(
        or_(CopyLink.original_page_id.in_(pages), CopyLink.copy_page_id.in_(pages)))).all()
    for link in links:
        a, b = load_side(s, link.original_page_id), load_side(s, link.copy_page_id)
        if a is None or b is None or relate(s, a, b) is None:
            s.execute(delete(CopyLink).where(CopyLink.id == link.id))
    return len(links)


def relate(s: Session, a: Side, b: Side) -> CopyLink | None:
    """Align two pages; store, update or remove the link between them."""
    original, copy, reason = choose_original(s, a, b)
    alignment = compare(original, copy)
    existing = s.scalar(select(CopyLink).where(
        or_((CopyLink.original_page_id == a.page.id) & (CopyLink.copy_page_id == b.page.id),
            (CopyLink.original_page_id == b.page.id) & (CopyLink.copy_page_id == a.page.id))))
    if not alignment.is_copy:
        if existing is not None:
            s.delete(existing)
            s.flush()
        return None
    now = utcnow()
    link = existing or CopyLink(found_at=now)
    link.original_page_id, link.copy_page_id = original.page.id, copy.page.id
    link.original_version_id, link.copy_version_id = original.version.id, copy.version.id
    link.relation, link.original_reason = alignment.relation, reason
    link.coverage, link.precision = alignment.coverage, alignment.precision
    link.matched_tokens, link.updated_at = alignment.matched_tokens, now
    if existing is None:
        s.add(link)
    s.flush()
    return link


def compare(original: Side, copy: Side) -> Alignment:
    return align(original.paragraphs, copy.paragraphs,
                 original_boilerplate=original.boilerplate, copy_boilerplate=copy.boilerplate)


def choose_original(s: Session, a: Side, b: Side) -> tuple[Side, Side, str]:
    """(original, copy, reason), by the first rule that tells them apart."""
    if a.source.role != b.source.role:
        return (a, b, "source role") if a.source.role == "origin" else (b, a, "source role")
    a_names_b, b_names_a = _declares(s, a, b), _declares(s, b, a)
    if a_names_b != b_names_a:
        return (b, a, "declared attribution") if a_names_b else (a, b, "declared attribution")
    a_to_b, b_to_a = _canonical_to(s, a, b), _canonical_to(s, b, a)
    if a_to_b != b_to_a:
        return (b, a, "canonical") if a_to_b else (a, b, "canonical")
    da, db = _date(a.version.published), _date(b.version.published)
    if da and db and da != db:
        return (a, b, "earlier published date") if da < db else (b, a, "earlier published date")
    first = sorted((a, b), key=lambda side: (side.page.first_seen_at, side.page.id))
    return first[0], first[1], "earlier first capture"


def _urls_of(s: Session, page: Page) -> set[str]:
    return {page.url, *s.scalars(select(PageAlias.url).where(PageAlias.page_id == page.id))}


def _declares(s: Session, side: Side, other: Side) -> bool:
    """Does ``side`` declare ``other`` as its source (link, or naming its site)?"""
    found = side.version.attribution or {}
    if set(found.get("links", ())) & _urls_of(s, other.page):
        return True
    names = {_key(n) for n in found.get("names", ())}
    other_names = {_key(other.source.name), _key(other.version.site_name or "")} - {""}
    return bool(names & other_names)


def _canonical_to(s: Session, side: Side, other: Side) -> bool:
    canonical = side.version.canonical_url
    return bool(canonical) and normalize_url(canonical) in _urls_of(s, other.page)


def _key(name: str) -> str:
    return re.sub(r"\W+", "", name.casefold())


def _date(value: str | None) -> str | None:
    return value[:10] if value and re.match(r"\d{4}-\d{2}-\d{2}", value) else None
