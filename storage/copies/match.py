"""Candidates from the fingerprint index, alignment, links: the matching of copies.

When a page gets a new version (``storage.archive``), :func:`index_version`
replaces the page's fingerprints and notes its paragraphs for boilerplate
learning, and :func:`match_page` looks up pages of *other* sources sharing
fingerprints, verifies each candidate by alignment (``storage.copies.align``) and
stores or updates a pairwise link, or removes one that no longer holds.
Hashes found on more than ``MAX_DF`` pages are stock phrases and ignored, except
in a text mostly made of them (``SYNDICATED_SHARE``): a story republished on many
pages, looked up through them on the pages that are already an original.
Which side of a pair is the original is ``storage.copies.original``'s rule.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storage.copies import boilerplate
from storage.copies import index as copy_index
from storage.copies.align import Alignment, align
from storage.copies.index import Side
from storage.copies.fingerprints import fingerprints
from storage.copies.original import choose_original
from storage.models import CopyLink, Page, Source, Version
from storage.types import utcnow

MIN_SHARED = 2  # sampled hashes two texts must share to be compared at all
SHORT_TEXT_HASHES = 30  # below this many hashes, one shared hash is enough
MAX_DF = 50  # pages a hash may occur on before it counts as a stock phrase
# ... unless at least this share of a text's hashes are that frequent: a syndicated story
SYNDICATED_SHARE = 0.5
MAX_CANDIDATES = 25
_CHUNK = 500


def load_sides(s: Session, page_ids: Collection[int]) -> dict[int, Side]:
    """The sides of several pages in one query (plus one per page for its boilerplate)."""
    loaded = copy_index.load(s.connection(), page_ids) if page_ids else {}
    return {page_id: Side(page, version, source,
                          boilerplate.boilerplate_indexes(s, source.id, version.paragraphs))
            for page_id, (page, version, source) in loaded.items()}


def load_side(s: Session, page_id: int) -> Side | None:
    return load_sides(s, [page_id]).get(page_id)


def index_version(s: Session, page: Page, version: Version, source: Source) -> Side:
    """Replace the page's fingerprints with its new version's; returns it as a Side."""
    paragraphs = version.paragraphs
    first = version.number == 1  # nothing of this page is indexed yet
    boilerplate.remember(s, page.source_id, page.id, paragraphs, first=first)
    skip = boilerplate.boilerplate_indexes(s, page.source_id, paragraphs)
    hashes = fingerprints(p for i, p in enumerate(paragraphs) if i not in skip)
    copy_index.replace_fingerprints(s.connection(), page.id, page.source_id, hashes, first=first)
    return Side(*copy_index.refs(page, version, source), skip, frozenset(hashes))


def candidates(s: Session, page_id: int, source_id: int, hashes: Collection[int] | None = None) -> list[int]:
    """Pages of other sources sharing enough rare fingerprints, most shared first.

    ``hashes``: the page's indexed fingerprints when the caller has them (else read back).
    A text that finds none and is mostly made of frequent hashes is no stock phrase but a
    story republished on many pages: it is looked up through those hashes on the pages that
    are already the original of a link, so the next copy of a syndicated story finds its original."""
    conn = s.connection()
    hashes = list(copy_index.page_hashes(conn, page_id) if hashes is None else hashes)
    chunks = [hashes[start : start + _CHUNK] for start in range(0, len(hashes), _CHUNK)]
    # A short text (a one-paragraph excerpt) samples few hashes: one rare shared hash is enough
    # to be worth an alignment; MAX_CANDIDATES bounds the cost.
    need = 1 if len(hashes) < SHORT_TEXT_HASHES else MIN_SHARED
    shared, rare = _shared(conn, chunks, page_id, source_id)  # the page carries all its rare hashes
    ranked = _ranked(shared, need)
    if not ranked and (frequent := len(hashes) - rare) >= max(need, SYNDICATED_SHARE * len(hashes)):
        shared, _ = _shared(conn, chunks, page_id, source_id, frequent=True)
        ranked = _ranked(shared, max(need, frequent // 2))
    return ranked[:MAX_CANDIDATES]


def _shared(conn, chunks: list[list[int]], page_id: int, source_id: int, *,
            frequent: bool = False) -> tuple[dict[int, int], int]:
    """Hashes shared, by page of another source; and how many the page itself carries."""
    shared: dict[int, int] = {}
    own = 0
    for chunk in chunks:
        for page, source, n in copy_index.shared_counts(conn, chunk, source_id, MAX_DF, frequent=frequent):
            if page == page_id:
                own += n
            elif source != source_id:
                shared[page] = shared.get(page, 0) + n
    return shared, own


def _ranked(shared: dict[int, int], need: int) -> list[int]:
    """Pages sharing at least ``need`` hashes, most shared first (then the oldest)."""
    ranked = sorted((n, -p) for p, n in shared.items() if n >= need)
    return [-p for n, p in reversed(ranked)]


def match_page(s: Session, page_id: int, side: Side | None = None) -> list[Link]:
    """(Re)compute every copy link of a page against the index."""
    side = side or load_side(s, page_id)
    if side is None:
        return []
    # The candidates, and every page already linked (its link must be re-verified, not
    # dropped just because it fell outside the candidate limit). A first version has no
    # links yet: no other page could see it before its fingerprints were written.
    linked = {} if side.version.number == 1 else copy_index.links_of(s.connection(), page_id)
    others = dict.fromkeys(candidates(s, page_id, side.source.id, side.hashes))
    others.update(dict.fromkeys(linked))
    found = []
    for other_id, other in load_sides(s, list(others)).items():
        if (link := relate(s, side, other, link_id=linked.get(other_id))) is not None:
            found.append(link)
    return found


def refresh_links(s: Session, source_id: int) -> int:
    """Re-verify the links of a source's pages (boilerplate learned since may change them)."""
    pages = select(Page.id).where(Page.source_id == source_id)
    links = s.execute(select(CopyLink.id, CopyLink.original_page_id, CopyLink.copy_page_id).where(
        or_(CopyLink.original_page_id.in_(pages), CopyLink.copy_page_id.in_(pages)))).all()
    for link_id, original_id, copy_id in links:
        a, b = load_side(s, original_id), load_side(s, copy_id)
        if a is None or b is None:
            copy_index.delete_link(s.connection(), link_id)
        else:
            relate(s, a, b, link_id=link_id)
    return len(links)


@dataclass(frozen=True)
class Link:
    """A stored copy link, as matching wrote it."""

    original_page_id: int
    copy_page_id: int
    relation: str
    original_reason: str
    coverage: float
    precision: float


_LOOKUP = -1  # relate(link_id=...): the caller does not know whether the pair is linked


def relate(s: Session, a: Side, b: Side, *, link_id: int | None = _LOOKUP) -> Link | None:
    """Align two pages; store, update or remove the link between them.

    ``link_id``: the pair's stored link, or None when the caller knows there is none."""
    conn = s.connection()
    original, copy, reason = choose_original(s, a, b)
    alignment = compare(original, copy)
    if link_id == _LOOKUP:
        link_id = copy_index.link_between(conn, a.page.id, b.page.id)
    if not alignment.is_copy:
        if link_id is not None:
            copy_index.delete_link(conn, link_id)
        return None
    copy_index.write_link(conn, link_id, {
        "original_page_id": original.page.id, "copy_page_id": copy.page.id,
        "original_version_id": original.version.id, "copy_version_id": copy.version.id,
        "relation": alignment.relation, "original_reason": reason,
        "coverage": alignment.coverage, "precision": alignment.precision,
        "matched_tokens": alignment.matched_tokens, "updated_at": utcnow(),
    })
    return Link(original.page.id, copy.page.id, alignment.relation, reason, alignment.coverage, alignment.precision)


def compare(original: Side, copy: Side) -> Alignment:
    return align(original.paragraphs, copy.paragraphs,
                 original_boilerplate=original.boilerplate, copy_boilerplate=copy.boilerplate)
