"""The read side of the archive: the questions the reports and the CLI ask of it.

:class:`Queries` is the base of :class:`storage.archive.Archive`; it needs only a
session factory (``self.session``). Lookups resolve a URL through its aliases.
"""

from __future__ import annotations

from sqlalchemy import Row, bindparam, func, select
from sqlalchemy.orm import Session, sessionmaker

from storage import copies
from storage.align import Alignment
from storage.errors import StorageError, UnknownPage
from storage.models import Blob, Capture, CopyLink, CrawlRun, Page, PageAlias, Source, Version
from storage.normalize import normalize_url

OUTCOMES = ("new-version", "unchanged", "not-modified", "gone", "error")

_page, _alias, _version = Page.__table__.c, PageAlias.__table__.c, Version.__table__.c
# Core statements built once: the write path runs them for every fetch.
_PAGE_COLUMNS = (_page.id, _page.url, _page.body_sha256, _page.first_seen_at)
_PAGE_ROW = select(*_PAGE_COLUMNS).where(_page.url == bindparam("url"))
_ALIAS_ROW = (select(*_PAGE_COLUMNS).join_from(Page.__table__, PageAlias.__table__)
              .where(_alias.url == bindparam("url")))
_CURRENT_ROW = (select(_version.id, _version.number, _version.text_sha256, _version.title, _version.published)
                .where(_version.page_id == bindparam("page_id")).order_by(_version.number.desc()).limit(1))
CurrentRow = Row  # (id, number, text_sha256, title, published) of a page's current version


class Queries:
    session: sessionmaker[Session]

    @staticmethod
    def _find_page(s: Session, url: str) -> Page | None:
        page = s.scalar(select(Page).where(Page.url == url))
        if page is None:
            page = s.scalar(select(Page).join(PageAlias).where(PageAlias.url == url))
        return page

    @staticmethod
    def _find_page_row(s: Session, url: str) -> Row | None:
        """(id, url, body_sha256, first_seen_at) of the page stored under this URL or alias,
        without loading it."""
        conn = s.connection()
        return conn.execute(_PAGE_ROW, {"url": url}).first() or conn.execute(_ALIAS_ROW, {"url": url}).first()

    @staticmethod
    def _current_row(s: Session, page_id: int) -> CurrentRow | None:
        """The few columns of the current version that deciding on a fetch needs."""
        return s.connection().execute(_CURRENT_ROW, {"page_id": page_id}).first()

    @staticmethod
    def _current(s: Session, page: Page) -> Version | None:
        return s.scalar(
            select(Version).where(Version.page_id == page.id).order_by(Version.number.desc()).limit(1)
        )

    @staticmethod
    def _source_id(s: Session, name: str) -> int:
        source_id = s.scalar(select(Source.id).where(Source.name == name))
        if source_id is None:
            raise StorageError(f"unknown source {name!r}")
        return source_id

    def page(self, url: str) -> Page:
        """The page stored under this URL or one of its aliases."""
        with self.session() as s:
            page = self._find_page(s, normalize_url(url))
            if page is None:
                raise UnknownPage(f"no page in the archive for {url}")
            return page

    def versions(self, url: str) -> list[Version]:
        page = self.page(url)
        with self.session() as s:
            return list(s.scalars(page.versions.select().order_by(Version.number)))

    def pages_overview(self) -> list[dict]:
        """Every page with its source, version count and latest title, by source and URL."""
        latest = (
            select(Version.page_id, func.max(Version.number).label("n"), func.count().label("count"))
            .group_by(Version.page_id)
            .subquery()
        )
        query = (
            select(Source.name, Page.url, latest.c.count, Version.title, Version.text)
            .join(Page, Page.source_id == Source.id)
            .join(latest, latest.c.page_id == Page.id, isouter=True)
            .join(Version, (Version.page_id == Page.id) & (Version.number == latest.c.n), isouter=True)
            .order_by(Source.name, Page.url)
        )
        with self.session() as s:
            return [
                {"source": name, "url": url, "versions": count or 0, "title": title,
                 "paragraphs": len(text.split("\n")) if text else 0}
                for name, url, count, title, text in s.execute(query)
            ]

    def runs(self, *, source: str | None = None, limit: int = 50) -> list[dict]:
        """Crawl runs, newest first, with the outcome counts from their stats."""
        query = select(CrawlRun, Source.name).join(Source).order_by(CrawlRun.id.desc()).limit(limit)
        if source is not None:
            query = query.where(Source.name == source)
        with self.session() as s:
            rows = s.execute(query).all()
        out = []
        for run, name in rows:
            stats = run.stats or {}
            counts = {outcome: int(stats.get(f"mirrorwatch/captures/{outcome}", 0)) for outcome in OUTCOMES}
            out.append({
                "id": run.id,
                "source": name,
                "started_at": run.started_at.isoformat(),
                "finished_at": run.finished_at.isoformat() if run.finished_at else None,
                "status": run.status,
                "finish_reason": run.finish_reason,
                "fetched": sum(counts.values()),
                **{outcome.replace("-", "_"): n for outcome, n in counts.items()},
                "extractions": int(stats.get("mirrorwatch/extract/calls", 0)),
            })
        return out

    # -- copies -----------------------------------------------------------

    # -- copies -----------------------------------------------------------

    def copies(self, url: str) -> list[dict]:
        """The pages linked to this one as copy or original, most coverage first."""
        page = self.page(url)
        with self.session() as s:
            links = s.scalars(select(CopyLink).where(
                (CopyLink.original_page_id == page.id) | (CopyLink.copy_page_id == page.id))).all()
            out = []
            for link in links:
                other_id = link.copy_page_id if link.original_page_id == page.id else link.original_page_id
                other = s.get(Page, other_id)
                original = s.get(Page, link.original_page_id)
                out.append({
                    "url": other.url,
                    "source": other.source.name,
                    "relation": link.relation,
                    "original_url": original.url,
                    "original_reason": link.original_reason,
                    "coverage": link.coverage,
                    "precision": link.precision,
                })
            return sorted(out, key=lambda row: (-row["coverage"], row["url"]))

    def compare(self, url_a: str, url_b: str) -> tuple[copies.Side, copies.Side, str, Alignment]:
        """Align two pages' current versions: (original, copy, reason, alignment)."""
        a, b = self.page(url_a), self.page(url_b)
        with self.session() as s:
            side_a, side_b = copies.load_side(s, a.id), copies.load_side(s, b.id)
            for side, url in ((side_a, url_a), (side_b, url_b)):
                if side is None:
                    raise StorageError(f"{url}: no version stored yet")
            if a.id == b.id:
                raise StorageError(f"{url_a} and {url_b} are the same page")
            original, copy, reason = copies.choose_original(s, side_a, side_b)
            return original, copy, reason, copies.compare(original, copy)

    def counts(self) -> dict[str, int]:
        with self.session() as s:
            return {
                model.__tablename__: s.scalar(select(func.count()).select_from(model))
                for model in (Source, Page, Capture, Version, Blob)
            }
