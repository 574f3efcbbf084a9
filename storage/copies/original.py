"""Which side of a copy pair is the original, and why: the first rule that tells them apart.

1. ``source role``: a source whose role is ``origin`` against a ``mirror``;
2. ``declared attribution``: a page that links to the other, or names its site
   ("originally published on X", "Source: X"), is the copy;
3. ``canonical``: a ``rel=canonical`` pointing at the other page;
4. ``earlier published date``, as the pages state it;
5. ``earlier first capture``: the page the archive saw first.

:func:`attribution` reads what a new version declares (run by the write path, stored
on the version); :func:`choose_original` applies the rules to two sides of a pair.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from sqlalchemy.orm import Session

from storage.copies import index as copy_index
from storage.copies.index import PageRef, Side
from storage.urls import normalize_url

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


def _urls_of(s: Session, page: PageRef) -> set[str]:
    return {page.url, *copy_index.aliases(s.connection(), page.id)}


def _declares(s: Session, side: Side, other: Side) -> bool:
    """Does ``side`` declare ``other`` as its source (link, or naming its site)?"""
    found = side.version.attribution or {}
    if (links := found.get("links")) and set(links) & _urls_of(s, other.page):
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
