"""The monitoring report: what happened in the archive between two times.

``monitor_report(archive.session, since=..., until=...)`` →
``{"since", "until", "source", "min_significance", "new", "changed", "gone", "new_copies",
"diverged_copies", "health"}``; every entry names its ``url`` and ``source``:

- ``new``: pages whose first version was stored in the period;
- ``changed``: each new version of a known page, with its ``class``, ``significance``,
  ``version``, ``previous`` and a short ``diff`` (a few lines); a page flapping between
  two texts (A → B → A → B) is one entry of class ``flapping`` with ``flapping``
  ``{"between": [n, m], "flips"}`` instead of one entry per flip;
- ``gone``: pages that started answering 404/410;
- ``new_copies``: copy links found in the period (``url`` is the copy's);
- ``diverged_copies``: copy links whose copy or original got a new version (``changed``:
  ``copy`` | ``original`` | ``both``; ``diverged``: the original changed, the copy did not);
- ``health``: per source crawled in the period, from its runs' stats: ``status`` ``ok`` or
  ``warning`` with ``warnings`` (a crawl that failed or fetched nothing (a scheduled crawl with
  no page due, nothing new and no error is quiet, not broken), mostly errors, or
  an extraction that suddenly returns much shorter texts on several pages: those versions
  are listed here as ``pages`` and left out of ``changed``, not reported as content changes).

``min_significance`` filters ``changed``. ``crawler.render`` turns it into text and HTML.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from storage.lookup import is_current, source_id
from storage.models import Capture, CopyLink, CrawlRun, Page, Source, Version
from storage.reports.health import run_row, run_warnings
from storage.reports.snippets import short_diff
from storage.text.classify import classify_version, flapping
from storage.text.normalize import normalize_text
from storage.types import as_utc, utcnow

# A source's new versions that keep less than this share of their parent's text are shrunk...
SHRUNK_RATIO = 0.5
# ... and when at least this many pages, and half of the source's changes, shrink at once, it
# is the extraction (or the site's template) that broke: a health warning, not content changes.
SHRUNK_MIN_PAGES = 2

def monitor_report(session: sessionmaker[Session], *, since: datetime, until: datetime | None = None,
                   source: str | None = None, min_significance: float = 0.0) -> dict:
    """What is new, changed, gone and copied between ``since`` and ``until`` (default: now)."""
    since, until = as_utc(since), as_utc(until or utcnow())
    with session() as s:
        window = _Window(s, since, until, source_id(s, source) if source is not None else None)
        changed, shrunk = window.changed()
        return {
            "since": since.isoformat(),
            "until": until.isoformat(),
            "source": source,
            "min_significance": min_significance,
            "new": window.new(),
            "changed": [c for c in changed if (c["significance"] or 0.0) >= min_significance],
            "gone": window.gone(),
            "new_copies": window.new_copies(),
            "diverged_copies": window.diverged_copies(),
            "health": window.health(shrunk),
        }


class _Window:
    """The report's queries over one period (and optionally one source)."""

    def __init__(self, s: Session, since: datetime, until: datetime, source_id: int | None):
        self.s, self.since, self.until, self.source_id = s, since, until, source_id

    def _in(self, column):
        return column.between(self.since, self.until)

    def _pages(self, query):
        """A query over versions, joined to their page and source, narrowed to the source asked for."""
        query = query.join(Page, Page.id == Version.page_id).join(Source, Source.id == Page.source_id)
        return query.where(Page.source_id == self.source_id) if self.source_id is not None else query

    def new(self) -> list[dict]:
        rows = self.s.execute(self._pages(
            select(Version, Page.url, Source.name).where(Version.number == 1, self._in(Version.captured_at))
        ).order_by(Version.captured_at, Page.url))
        return [{"url": url, "source": name, "title": v.title, "version": 1,
                 "captured_at": v.captured_at.isoformat(), "paragraphs": len(v.paragraphs)}
                for v, url, name in rows]

    def changed(self) -> tuple[list[dict], dict[str, list[dict]]]:
        """The change entries, and per source the shrunk ones held back as a health matter."""
        rows = self.s.execute(self._pages(
            select(Version, Page.url, Source.name).where(Version.number > 1, self._in(Version.captured_at))
        ).order_by(Version.captured_at, Version.id)).all()
        by_page: dict[int, list] = defaultdict(list)
        for v, url, name in rows:
            by_page[v.page_id].append((v, url, name))
        entries: list[dict] = []
        for page_id, items in by_page.items():
            last = items[-1][0].number
            history = list(self.s.scalars(select(Version).where(Version.page_id == page_id, Version.number <= last)
                                          .order_by(Version.number)))
            flap = flapping([_state(v) for v in history])
            if flap is not None:  # reported once, however many flips fell in the period
                entries.append(_flapping_entry(history, flap, items))
                continue
            parents = {v.id: v for v in history}
            entries.extend(_change_entry(self.s, v, parents.get(v.parent_id), url, name) for v, url, name in items)
        return _hold_back_shrunk(entries)

    def gone(self) -> list[dict]:
        current = aliased(Version)
        title = select(current.title).where(current.page_id == Page.id, is_current(current)).scalar_subquery()
        query = select(Page.url, Source.name, Page.gone_at, title).join(
            Source, Source.id == Page.source_id).where(self._in(Page.gone_at))
        if self.source_id is not None:
            query = query.where(Page.source_id == self.source_id)
        return [{"url": url, "source": name, "title": title, "gone_at": gone_at.isoformat()}
                for url, name, gone_at, title in self.s.execute(query.order_by(Page.gone_at, Page.url))]

    def _links(self, *conditions) -> list[dict]:
        original, copy = aliased(Page), aliased(Page)
        o_src, c_src = aliased(Source), aliased(Source)
        query = (select(CopyLink, original.url, o_src.name, copy.url, c_src.name)
                 .join(original, original.id == CopyLink.original_page_id).join(o_src, o_src.id == original.source_id)
                 .join(copy, copy.id == CopyLink.copy_page_id).join(c_src, c_src.id == copy.source_id)
                 .where(*conditions).order_by(CopyLink.found_at, CopyLink.id))
        if self.source_id is not None:
            query = query.where(or_(original.source_id == self.source_id, copy.source_id == self.source_id))
        return [{"url": c_url, "source": c_name, "original_url": o_url, "original_source": o_name,
                 "relation": link.relation, "original_reason": link.original_reason,
                 "coverage": round(link.coverage, 3), "precision": round(link.precision, 3),
                 "found_at": link.found_at.isoformat(), "_link": link}
                for link, o_url, o_name, c_url, c_name in self.s.execute(query)]

    def new_copies(self) -> list[dict]:
        return [_public(row) for row in self._links(self._in(CopyLink.found_at))]

    def diverged_copies(self) -> list[dict]:
        changed = select(Version.page_id).where(Version.number > 1, self._in(Version.captured_at))
        changed_pages = set(self.s.scalars(changed))
        out = []
        touched = or_(CopyLink.copy_page_id.in_(changed), CopyLink.original_page_id.in_(changed))
        for row in self._links(CopyLink.found_at < self.since, touched):
            link = row["_link"]
            copy_changed, original_changed = link.copy_page_id in changed_pages, link.original_page_id in changed_pages
            if copy_changed or original_changed:
                row["changed"] = "both" if copy_changed and original_changed else ("copy" if copy_changed else "original")
                row["diverged"] = original_changed and not copy_changed
                out.append(_public(row))
        return out

    def health(self, shrunk: dict[str, list[dict]]) -> list[dict]:
        query = select(CrawlRun, Source.name, Source.origin).join(Source, Source.id == CrawlRun.source_id).where(
            self._in(CrawlRun.started_at)).order_by(CrawlRun.started_at, CrawlRun.id)
        if self.source_id is not None:
            query = query.where(CrawlRun.source_id == self.source_id)
        runs: dict[str, list] = defaultdict(list)
        origins: dict[str, str] = {}
        for run, name, origin in self.s.execute(query):
            runs[name].append(run)
            origins[name] = origin
        for name in set(shrunk) - set(origins):
            origins[name] = self.s.scalar(select(Source.origin).where(Source.name == name))
        out = []
        for name in sorted(origins):
            last = runs[name][-1] if runs[name] else None
            warnings = run_warnings(last) if last is not None else []
            pages = [{"url": e["url"], "version": e["version"], "kept": e["_kept"]} for e in shrunk.get(name, [])]
            if pages:
                warnings.append(f"extraction returned much shorter texts on {len(pages)} pages "
                                f"(held back from the changes)")
            out.append({"url": origins[name], "source": name, "status": "warning" if warnings else "ok",
                        "warnings": warnings, "runs": len(runs[name]),
                        "last_run": run_row(last) if last is not None else None, "pages": pages})
        return out


def _change_entry(s: Session, v: Version, parent: Version | None, url: str, source: str) -> dict:
    kind, significance = v.change_class, v.significance
    if kind is None and parent is not None:  # stored before change classes existed
        bodies = dict(s.execute(select(Capture.id, Capture.body_sha256)
                                .where(Capture.id.in_([parent.capture_id, v.capture_id]))).all())
        c = classify_version(parent, v, same_body=bodies.get(parent.capture_id) == bodies.get(v.capture_id),
                             reverts=v.reverts_to_id is not None)
        kind, significance = c.name, c.significance
    old = parent.paragraphs if parent else []
    entry = {
        "url": url, "source": source, "title": v.title, "class": kind,
        "significance": round(significance, 3) if significance is not None else None,
        "version": v.number, "previous": parent.number if parent else None,
        "captured_at": v.captured_at.isoformat(), "change": v.change,
        "diff": short_diff(old, v.paragraphs, old_title=parent.title if parent else None, new_title=v.title),
    }
    if v.reverts_to_id is not None:
        entry["reverts_to"] = s.scalar(select(Version.number).where(Version.id == v.reverts_to_id))
    entry["_kept"] = round(len(v.text) / max(1, len(parent.text)), 3) if parent else 1.0
    return entry


def _flapping_entry(history: list[Version], flap: tuple[str, str, int], items: list) -> dict:
    latest, url, source = items[-1]
    run = history[-flap[2] - 1:]
    a, b = run[-2], run[-1]  # the two texts it goes back and forth between, as last seen
    first_a = next(v for v in run if _state(v) == _state(a))
    first_b = next(v for v in run if _state(v) == _state(b))
    return {
        "url": url, "source": source, "title": latest.title, "class": "flapping",
        "significance": max((v.significance or 0.0) for v, _, _ in items),
        "version": latest.number, "previous": a.number, "captured_at": latest.captured_at.isoformat(),
        "change": latest.change, "versions": [v.number for v, _, _ in items],
        "flapping": {"between": sorted([first_a.number, first_b.number]), "flips": flap[2]},
        "diff": short_diff(a.paragraphs, b.paragraphs, old_title=a.title, new_title=b.title),
        "_kept": 1.0,
    }


def _hold_back_shrunk(entries: list[dict]) -> tuple[list[dict], dict[str, list[dict]]]:
    by_source: dict[str, list[dict]] = defaultdict(list)
    for e in entries:
        by_source[e["source"]].append(e)
    shrunk: dict[str, list[dict]] = {}
    for name, items in by_source.items():
        small = [e for e in items if e["_kept"] < SHRUNK_RATIO]
        if len({e["url"] for e in small}) >= SHRUNK_MIN_PAGES and 2 * len(small) >= len(items):
            shrunk[name] = small
    held = {id(e) for items in shrunk.values() for e in items}
    kept = [_public(e) for e in entries if id(e) not in held]
    return sorted(kept, key=lambda e: (-(e["significance"] or 0.0), e["captured_at"], e["url"])), shrunk


def _state(v: Version) -> str:
    return v.text_sha256 + "\n" + normalize_text(v.title or "")


def _public(row: dict) -> dict:
    return {k: v for k, v in row.items() if not k.startswith("_")}
