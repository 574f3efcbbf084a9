"""``sources add`` and ``sources test`` as library calls: each returns its JSON shape.

add_site     → ``{"file", "created", "source": {the entry written}, "listings": [listing],
                 "urls": {"sitemap", "feed", "start page", "distinct"}, "proposal": {"allow",
                 "listed", "listed_matched", "unmatched", "others_matched"}, "guessed": bool,
                 "notes": [{"note", "url"}], "capped": [str]}``
probe_source → ``{"source", "role", "origin", "allow", "deny", "max_depth", "max_pages",
                 "listings": [listing], "urls", "articles": [url], "not_articles": [url],
                 "followed": [url], "robots_disallowed": [url], "capped": [str],
                 "render", "sampled": [{"url", "status", "shell", "problem"}], "suggestion"}``

listing = ``{"kind", "url", "status", "urls", "sitemaps", "offsite", "problem"}``. Start pages,
robots.txt, sitemaps and feeds are fetched (``crawler.crawl.listings``); of the articles, only
``sources test`` fetches a few, and only for a source that does not render them already
(``crawler.probe.sample``: are they application shells?). ``sources add`` fetches none.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from crawler.crawl.listings import Walk, walk
from crawler.probe.allow import propose_allow
from crawler.probe.discover import discover
from crawler.probe.entry import add_entry, check_new_name, entry_text
from crawler.probe.fetch import Fetcher
from crawler.probe.sample import render_suggestion, sample_articles
from crawler.sources import load_sources, parse_source, select_sources

LISTS = ("sitemap", "feed")


def add_site(path: str | Path, name: str, url: str, *, role: str = "origin") -> dict:
    """Look at the site, propose an ``allow`` pattern, append the source to the file at ``path``."""
    path = Path(path)
    check_new_name(path, name)
    parse_source({"name": name, "role": role, "start_urls": [url]}, str(path))  # a bad name or URL: before any fetch
    fetcher = Fetcher()
    found = discover(url, fetcher)
    entry = {"name": name, "role": role,
             **{k: v for k, v in (("start_urls", found.start_urls), ("sitemaps", found.sitemaps),
                                  ("feeds", found.feeds)) if v}}
    with tempfile.TemporaryDirectory() as tmp:
        alone = Path(tmp) / "sources.toml"
        alone.write_text(entry_text(entry), encoding="utf-8")
        seen = walk(name, alone, fetcher, judge=lambda _url: False)  # every URL seen, none taken yet
    listed = [u for u, kinds in seen.found_in.items() if set(kinds) & set(LISTS)]
    linked = [u for u, kinds in seen.found_in.items() if not set(kinds) & set(LISTS) and u not in found.start_urls]
    proposal = propose_allow(listed or linked, [] if not listed else linked)
    if proposal.allow:
        entry["allow"] = list(proposal.allow)
    created = not path.exists()
    add_entry(path, entry, comment=f"Added by `mirrorwatch sources add` on {datetime.now(UTC):%Y-%m-%d}.")
    return {"file": str(path), "created": created, "source": entry, "listings": _listings(seen),
            "urls": {kind: sum(kind in kinds for kinds in seen.found_in.values()) for kind in ("sitemap", "feed", "start page")}
            | {"distinct": len(seen.found_in)},
            "proposal": proposal.as_dict(), "guessed": not listed, "notes": found.notes, "capped": seen.capped}


def probe_source(path: str | Path, name: str) -> dict:
    """What the crawl of source ``name`` would take for articles and follow, from its listings now."""
    (source,) = select_sources(load_sources(path), [name])
    fetcher = Fetcher.for_source(source)
    seen = walk(name, path, fetcher)
    sampled = sample_articles(seen.articles, fetcher) if source.render == "http" else []
    return {"source": source.name, "role": source.role, "origin": source.origin, "allow": list(source.allow),
            "deny": list(source.deny), "max_depth": source.max_depth, "max_pages": source.max_pages,
            "listings": _listings(seen), "urls": len(seen.verdicts), "articles": seen.articles,
            "not_articles": seen.not_articles, "followed": seen.followed,
            "robots_disallowed": [u for u in seen.articles if not fetcher.allowed(u)], "capped": seen.capped,
            "render": source.render, "sampled": sampled, "suggestion": render_suggestion(sampled)}


def _listings(seen: Walk) -> list[dict]:
    return [listing.as_dict() for listing in seen.listings]
