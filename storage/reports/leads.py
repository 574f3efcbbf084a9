"""Leads: sites outside the sources file that the archive's own pages point to, name as their
source, or hold copies on (``mirrorwatch discover``). Data only; ``crawler.render.leads`` prints it.

Evidence, from current versions only:

* **links**: a page's outbound links (``Version.attribution["links"]``) to an article of
  another site. A link counts when its path looks like an article (:func:`article_like`): dated
  (``/2026/03/01/``, ``2026-03-01``), slugged (a segment of three words or more joined by ``-``
  or ``_``), or a page file (``.html``, ``.php``...) below a folder; never a home page, a
  one-word path (a profile, ``/about``), or a link whose query carries a URL (share buttons,
  redirectors). A host needs at least :data:`MIN_LINKING_PAGES` distinct pages linking to it,
  unless a name or a copy points there too.
* **names**: the publishers a page names as its source (``"originally published on X"``,
  ``"Source: X"``: ``Version.attribution["names"]``). A name of a configured site is no lead; any
  other is placed on a host whose name, host name or pages' site name it matches, else on the
  one other site the naming page links to; a name placed nowhere is listed on its own
  (``unplaced_names``).
* **copies**: copy links whose copy (or original) is a page of a source a scan discovered
  (``source.discovered``: ``mirrorwatch scan``) and the sources file does not configure. A source
  the file no longer holds but that no scan found (one the user removed) is no lead: its pages
  still count as evidence for other sites, and the names it gives are known names.

Sites are compared by origin (scheme, host, port: ``storage.urls``), so no list of share or
social hosts is needed. ``score`` is the sum of the evidence counts; leads come strongest
first. ``role`` is ``origin`` when pages name the site as their source (or it holds more
originals than copies), else ``mirror`` when it holds copies, else ``origin``.

``{"leads": [{"host", "origin", "url", "name", "in_archive", "role", "score", "pages_linking",
"linking_pages", "links", "names", "pages_naming", "naming_pages", "copies", "copy_pages",
"originals"}], "unplaced_names": [{"name", "pages", "naming_pages"}], "leads_total",
"pages_read"}``; each list of URLs holds at most :data:`EXAMPLES` of them, in URL order.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from storage.lookup import is_current
from storage.models import CopyLink, Page, Source, Version
from storage.urls import DEFAULT_PORTS, origin_of

EXAMPLES = 5  # URLs kept per list of evidence
MIN_LINKING_PAGES = 2  # distinct pages that must link to a host when nothing else points there
_DATED = re.compile(r"(?:^|/)(?:19|20)\d\d[/-](?:0?[1-9]|1[0-2])(?:[/-]|$)|(?:19|20)\d\d(?:0[1-9]|1[0-2])[0-3]\d")
_SLUG = re.compile(r"[^\W_]+(?:[-_][^\W_]+){2,}")
_PAGE_FILE = re.compile(r"\.(?:s?html?|php|aspx?|jsp)$", re.IGNORECASE)
_URL_IN_QUERY = re.compile(r"https?(?::|%3a)|%2f%2f|www\.", re.IGNORECASE)
_NAME_CHARS = re.compile(r"[^A-Za-z0-9_.-]+")
_SOURCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")  # as crawler.sources checks a name


def article_like(url: str) -> bool:
    """Whether a link points at an article rather than a home page, a profile or a share button."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if _URL_IN_QUERY.search(parts.query):
        return False
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if not segments:
        return False
    last = _PAGE_FILE.sub("", segments[-1])
    return bool(_DATED.search(parts.path) or _SLUG.search(last)
                or (len(segments) >= 2 and _PAGE_FILE.search(segments[-1])))


def name_key(name: str) -> str:
    """A publisher's name as compared: case, spaces, punctuation and a leading "the" left out."""
    return re.sub(r"\W+", "", re.sub(r"^\s*the\s+", "", name.casefold()))


@dataclass
class _Lead:
    origin: str
    linking: set[str] = field(default_factory=set)
    links: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    naming: set[str] = field(default_factory=set)
    copy_pages: set[str] = field(default_factory=set)
    original_pages: set[str] = field(default_factory=set)

    def qualifies(self) -> bool:
        return bool(self.naming or self.copy_pages or self.original_pages) or len(self.linking) >= MIN_LINKING_PAGES


def leads(s: Session, configured: Mapping[str, str], *, limit: int | None = None) -> dict:
    """The leads of the archive, strongest first: ``configured`` is the sources file's
    ``{name: origin}``; ``limit`` keeps the first so many."""
    mine = {_origin(o) for o in configured.values()} - {None}
    rows = s.execute(select(Source.id, Source.name, Source.origin, Source.discovered)).all()
    sources = {sid: (name, _origin(o)) for sid, name, o, _ in rows}
    # Scans' finds the user has not added yet; a source removed from the file is no lead.
    outside = {sid: sources[sid][1] for sid, _, _, found in rows if found and sources[sid][1] not in mine}
    known_names = {name_key(n) for n in configured} | {name_key(n) for n, o in sources.values() if o in mine}
    known_names |= _site_names(s, [sid for sid in sources if sid not in outside]).keys()
    found: dict[str, _Lead] = {}

    def lead(origin: str) -> _Lead:
        return found.setdefault(origin, _Lead(origin))

    # (name, naming page, origins its page links to, origins of the articles it links to)
    named: list[tuple[str, str, set[str], set[str]]] = []
    pages_read = 0
    for url, sid, attribution in _current_attributions(s):
        pages_read += 1
        here = sources[sid][1] if sid in sources else None
        linked: set[str] = set()
        articles: set[str] = set()
        for link in (attribution or {}).get("links") or ():
            target = _origin(link)
            if target is None or target == here or target in mine:
                continue
            linked.add(target)
            if article_like(link):
                articles.add(target)
                lead(target).linking.add(url)
                lead(target).links.add(link)
        for name in (attribution or {}).get("names") or ():
            if name_key(name) and name_key(name) not in known_names:
                named.append((name, url, linked, articles))
    _add_copies(s, outside, lead)
    unplaced = _place_names(s, named, found, outside, lead)
    rows = sorted((_row(x, sources, outside) for x in found.values() if x.qualifies()),
                  key=lambda r: (-r["score"], r["host"], r["origin"]))
    _unique_names(rows, set(configured))
    return {"leads": rows[:limit] if limit else rows, "leads_total": len(rows), "unplaced_names": unplaced,
            "pages_read": pages_read}


def _current_attributions(s: Session) -> Iterable[tuple[str, int, dict | None]]:
    """(page URL, source id, attribution) of every page's current version, streamed."""
    query = (select(Page.url, Page.source_id, Version.attribution).join(Version, Version.page_id == Page.id)
             .where(is_current()).order_by(Page.id).execution_options(yield_per=1000))
    for url, sid, attribution in s.execute(query):
        yield url, sid, attribution if isinstance(attribution, dict) else None


def _site_names(s: Session, source_ids: list[int]) -> dict[str, int]:
    """The keys of the site names the current versions of these sources give, with a source of each."""
    if not source_ids:
        return {}
    query = (select(Version.site_name, Page.source_id).join(Page, Page.id == Version.page_id)
             .where(Page.source_id.in_(source_ids), Version.site_name.is_not(None), is_current()).distinct())
    return {name_key(name): sid for name, sid in s.execute(query) if name_key(name)}


def _add_copies(s: Session, outside: dict[int, str], lead) -> None:
    """Copy links with a side on an unconfigured source: copies held there, originals found there."""
    if not outside:
        return
    original, copy = aliased(Page), aliased(Page)
    query = (select(original.url, original.source_id, copy.url, copy.source_id)
             .join_from(CopyLink, original, CopyLink.original_page_id == original.id)
             .join(copy, CopyLink.copy_page_id == copy.id)
             .where(or_(original.source_id.in_(outside), copy.source_id.in_(outside))))
    for original_url, original_sid, copy_url, copy_sid in s.execute(query):
        if copy_sid in outside:
            lead(outside[copy_sid]).copy_pages.add(copy_url)
        if original_sid in outside:
            lead(outside[original_sid]).original_pages.add(original_url)


def _place_names(s: Session, named, found: dict[str, _Lead], outside: dict[int, str], lead) -> list[dict]:
    """Each name on the host it matches (a host its page links to, then any lead's host or an
    unconfigured source's site name), else on the one other site whose articles its page links
    to; the rest as ``unplaced_names`` rows."""
    hosts: dict[str, str] = {}
    for origin in {*found, *outside.values()}:
        for key in _host_keys(origin):
            hosts.setdefault(key, origin)
    hosts |= {key: outside[sid] for key, sid in _site_names(s, list(outside)).items()}
    unplaced: dict[str, set[str]] = defaultdict(set)
    for name, url, linked, articles in named:
        target = next((o for o in sorted(linked) if name_key(name) in _host_keys(o)), None)
        target = target or hosts.get(name_key(name)) or (next(iter(articles)) if len(articles) == 1 else None)
        if target is None:
            unplaced[name].add(url)
        else:
            lead(target).names.add(name)
            lead(target).naming.add(url)
    return [{"name": name, "pages": len(urls), "naming_pages": sorted(urls)[:EXAMPLES]}
            for name, urls in sorted(unplaced.items(), key=lambda item: (-len(item[1]), item[0]))]


def _host_keys(origin: str) -> set[str]:
    """What a publisher's name may match of a host: ``www.harbour-times.co.uk`` gives
    ``harbourtimescouk`` and ``harbourtimes``."""
    host = (urlsplit(origin).hostname or "").removeprefix("www.")
    return {k for k in (name_key(host), name_key(host.split(".")[0])) if len(k) >= 3}


def _row(x: _Lead, sources: dict[int, tuple[str, str | None]], outside: dict[int, str]) -> dict:
    in_archive = next((sources[sid][0] for sid, o in sorted(outside.items()) if o == x.origin), None)
    role = ("origin" if x.naming or len(x.original_pages) > len(x.copy_pages)
            else "mirror" if x.copy_pages else "origin")
    score = len(x.linking) + len(x.naming) + len(x.copy_pages) + len(x.original_pages)
    return {"host": _host(x.origin), "origin": x.origin, "url": _site_url(x.origin),
            "name": in_archive if in_archive and _SOURCE_NAME.match(in_archive) else _derived_name(x.origin),
            "in_archive": in_archive, "role": role, "score": score,
            "pages_linking": len(x.linking), "linking_pages": sorted(x.linking)[:EXAMPLES],
            "links": sorted(x.links)[:EXAMPLES], "names": sorted(x.names),
            "pages_naming": len(x.naming), "naming_pages": sorted(x.naming)[:EXAMPLES],
            "copies": len(x.copy_pages), "copy_pages": sorted(x.copy_pages)[:EXAMPLES],
            "originals": len(x.original_pages)}


def _unique_names(rows: list[dict], taken: set[str]) -> None:
    """A lead's name never repeats a configured source's or another lead's: ``-2``, ``-3``... appended."""
    for row in rows:
        name, n = row["name"], 1
        while name in taken:
            n += 1
            name = f"{row['name'][:96]}-{n}"
        row["name"] = name
        taken.add(name)


def _origin(url: str) -> str | None:
    """The origin of a URL; None for one without a host, or that cannot be read."""
    try:
        origin = origin_of(url)
    except ValueError:
        return None
    parts = urlsplit(origin)
    return origin if parts.scheme in DEFAULT_PORTS and parts.hostname else None


def _ascii_host(origin: str) -> tuple[str, int | None, str]:
    parts = urlsplit(origin)
    host = parts.hostname or ""
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    port = None if parts.port == DEFAULT_PORTS.get(parts.scheme) else parts.port
    return host, port, parts.scheme


def _host(origin: str) -> str:
    """The host as shown: with its port unless it is the scheme's default."""
    host, port, _ = _ascii_host(origin)
    shown = f"[{host}]" if ":" in host else host
    return f"{shown}:{port}" if port else shown


def _site_url(origin: str) -> str:
    return f"{_ascii_host(origin)[2]}://{_host(origin)}/"


def _derived_name(origin: str) -> str:
    """A source name for the host: the host, and its port unless it is the scheme's default (as
    ``storage.urls.site_name`` names a site), in the characters a source name may hold."""
    host, port, _ = _ascii_host(origin)
    return _NAME_CHARS.sub("-", f"{host}-{port}" if port else host).strip("-._")[:100] or "site"


__all__ = ["EXAMPLES", "MIN_LINKING_PAGES", "article_like", "leads", "name_key"]
