"""What each dashboard page shows, as data: the same dict is the page's ``/api/...`` JSON.

Each view takes the request's query parameters and returns a :class:`View`: ``data`` (the
JSON, in the CLI's shapes where the CLI has the command) and ``extra`` (what only the HTML
needs: filter choices, version numbers). Views are plain synchronous functions over the
archive; Starlette runs them in its thread pool.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select

from storage import search
from storage.archive import Archive
from storage.errors import StorageError
from storage.models import Source
from crawler.extract.decode import body_text
from storage.reports.captures import captures_report
from storage.reports.changelist import PAGE_SIZE, ChangeFilter, change_classes, changes
from storage.reports.copies import compare_report, copies_report
from storage.reports.diff import CONTEXT, collapsed
from storage.reports.history import diff_report, history_report
from storage.reports.overview import overview
from storage.reports.show import raw_body, version_text
from storage.when import parse_when

SEARCH_LIMIT = 20


@dataclass(frozen=True)
class View:
    data: dict
    extra: dict = field(default_factory=dict)


def required(params: Mapping[str, str], name: str) -> str:
    value = (params.get(name) or "").strip()
    if not value:
        raise StorageError(f"missing query parameter {name!r}")
    return value


def _optional(params: Mapping[str, str], name: str, kind: type, noun: str):
    value = (params.get(name) or "").strip()
    if not value:
        return None
    try:
        return kind(value)
    except ValueError:
        raise StorageError(f"{name} must be {noun}, not {value!r}") from None


def optional_int(params: Mapping[str, str], name: str) -> int | None:
    return _optional(params, name, int, "a whole number")


def optional_float(params: Mapping[str, str], name: str) -> float | None:
    return _optional(params, name, float, "a number")


def change_filter(params: Mapping[str, str]) -> ChangeFilter:
    return ChangeFilter(
        source=params.get("source") or None,
        change_class=params.get("class") or None,
        min_significance=optional_float(params, "min_significance"),
        since=parse_when(params.get("since")),
        until=parse_when(params.get("until")),
    )


class Views:
    def __init__(self, archive: Archive):
        self.archive = archive

    def home(self, params: Mapping[str, str]) -> View:
        with self.archive.session() as s:
            return View(overview(s))

    def changes(self, params: Mapping[str, str]) -> View:
        flt = change_filter(params)
        limit = optional_int(params, "limit") or PAGE_SIZE
        with self.archive.session() as s:
            data = changes(s, flt, after=params.get("after") or None, limit=limit)
            extra = {"classes": change_classes(s), "sources": list(s.scalars(select(Source.name).order_by(Source.name)))}
        return View(data, extra)

    def history(self, params: Mapping[str, str]) -> View:
        url = required(params, "url")
        page = self.archive.page(url)
        versions = self.archive.versions(page.url)
        data = history_report(page.url, versions, gone_at=page.gone_at)
        for row in data["versions"]:  # the change list's name for a first version
            row["change_class"] = row["change_class"] or ("new" if row["number"] == 1 else None)
        return View(data, {"copies": self.archive.copies(page.url)})

    def diff(self, params: Mapping[str, str]) -> View:
        url = required(params, "url")
        page = self.archive.page(url)
        versions = self.archive.versions(page.url)
        data = diff_report(page.url, versions, optional_int(params, "from"), optional_int(params, "to"))
        context = optional_int(params, "context")
        context = CONTEXT if context is None else context
        if context < 0:
            raise StorageError(f"context must be 0 or more, not {context}")
        return View(data, {"numbers": [v.number for v in versions], "context": context,
                           "blocks": collapsed(data, context)})

    def copies(self, params: Mapping[str, str]) -> View:
        url = required(params, "url")
        page = self.archive.page(url)
        return View(copies_report(page.url, self.archive.copies(page.url)))

    def compare(self, params: Mapping[str, str]) -> View:
        return View(compare_report(*self.archive.compare(required(params, "a"), required(params, "b"))))

    def captures(self, params: Mapping[str, str]) -> View:
        page = self.archive.page(required(params, "url"))
        with self.archive.session() as s:
            return View(captures_report(s, page))

    def show(self, params: Mapping[str, str]) -> View:
        """A version's text, or with ``raw=1`` the body it came from, decoded as the crawl
        read it (the template prints it as escaped text, never as markup)."""
        page = self.archive.page(required(params, "url"))
        number = optional_int(params, "version")
        with self.archive.session() as s:
            data = version_text(s, page, number)
            if params.get("raw") not in ("1", "true", "yes"):
                return View(data, {"raw": False})
            body = raw_body(s, page, data["version"])
        encoding, decoded = body_text(body.content_type, body.body)
        return View({"url": body.url, "version": body.version, "versions": data["versions"],
                     "fetched_at": body.fetched_at.isoformat(), "status": body.status,
                     "content_type": body.content_type, "encoding": encoding, "size": len(body.body),
                     "body": decoded}, {"raw": True})

    def search(self, params: Mapping[str, str]) -> View:
        with self.archive.session() as s:
            return View(search.search(s, params.get("q") or "", source=params.get("source") or None,
                                      limit=SEARCH_LIMIT))
