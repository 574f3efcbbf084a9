"""The data a rendered page is built from, and re-checking it without the browser.

Many pages built in the browser keep their HTML byte for byte when their text changes: the text
comes from a JSON endpoint. So while Chromium renders an article, :func:`noted` notes the
same-origin GET responses its scripts asked for (XHR and fetch), each with its SHA-256 and
validators, and the rendered capture stores them as JSON in its :data:`DATA` header. A re-check
whose raw HTML is unchanged (a 304, or the same hash) then asks for those URLs over plain HTTP,
conditionally, one after the other (:class:`DataCheck`): every one a 304 or the same body → the
page is ``not-modified`` and the browser is not started; one changed, missing or failing → the
page is rendered. Stats: ``mirrorwatch/render/data_unchanged``, ``mirrorwatch/render/data_changed``.

Still missed: data a page gets by POST, over a WebSocket, from another origin, or inside a
script whose URL does not change. A data URL with a per-request token (or one that answers a
plain GET differently from the browser) makes every re-check render: a cost, not a miss.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable, Iterator

import scrapy
from scrapy.http import Response

from storage.urls import origin_of

DATA = "X-Mirrorwatch-Data"  # on a rendered capture: [{"url", "sha256", "etag"?, "last_modified"?}]
MAX_DATA = 20  # data responses kept per page: each costs a request on every re-check
DATA_TYPES = frozenset({"xhr", "fetch"})


def noted(origin: str, response, count: int) -> list:
    """A task reading a data response's SHA-256 and validators (while its page is open: :func:`recorded`
    waits for it), or none when ``response`` is no same-origin data GET, or the page has
    ``count`` = :data:`MAX_DATA` already."""
    request = response.request
    if (request.resource_type not in DATA_TYPES or request.method != "GET" or not 200 <= response.status < 300
            or origin_of(response.url) != origin or count >= MAX_DATA):
        return []
    return [asyncio.ensure_future(_entry(response))]


async def _entry(response) -> dict | None:
    try:
        body = await response.body()
    except Exception:  # the page closed first, a redirect, a body Chromium did not keep
        return None
    validators = {"etag": response.headers.get("etag"), "last_modified": response.headers.get("last-modified")}
    return {"url": response.url, "sha256": hashlib.sha256(body).hexdigest(), **{k: v for k, v in validators.items() if v}}


async def recorded(found: list) -> list[dict]:
    """The data responses noted, one per URL (the last), in URL order."""
    entries = {e["url"]: e for e in await asyncio.gather(*found) if e is not None}
    return [entries[url] for url in sorted(entries)]


def data_header(entries: list[dict]) -> tuple[str, str]:
    return DATA, json.dumps(entries, separators=(",", ":"), ensure_ascii=False)


def data_entries(marks: dict[str, str]) -> list[dict]:
    """The data responses a capture's marks name (none when there are none, or they do not parse)."""
    try:
        entries = json.loads(marks.get(DATA) or "[]")
    except ValueError:
        return []
    if not isinstance(entries, list):
        return []
    return [e for e in entries if isinstance(e, dict) and isinstance(e.get("url"), str) and e.get("sha256")]


class DataCheck:
    """The plain GETs of a page's data responses, one after the other: then either ``unchanged``
    (the page's not-modified item) or its rendering (``render``, made by the ``rendering``
    function). Callbacks are the spider's (``on_data_checked``, ``on_data_failed``) and the state
    travels as plain data, so that a shared frontier can store the requests."""

    def __init__(self, crawler, rendering: Callable[[dict], scrapy.Request]):
        self.crawler = crawler
        self.rendering = rendering

    def first(self, entries: list[dict], unchanged, render: dict) -> scrapy.Request:
        return self._request(entries, 0, unchanged, render)

    def _request(self, entries: list[dict], index: int, unchanged, render: dict) -> scrapy.Request:
        entry, spider = entries[index], self.crawler.spider
        headers = {name: entry[key] for name, key in (("If-None-Match", "etag"), ("If-Modified-Since", "last_modified"))
                   if entry.get(key)}
        return scrapy.Request(entry["url"], headers=headers, callback=spider.on_data_checked,
                              errback=spider.on_data_failed, meta={"handle_httpstatus_all": True, "dont_redirect": True},
                              dont_filter=True,
                              cb_kwargs={"entries": entries, "index": index, "unchanged": unchanged, "render": render})

    def checked(self, response: Response, entries: list[dict], index: int, unchanged, render: dict) -> Iterator:
        entry = entries[index]
        same = response.status == 304 or (
            response.status == 200 and hashlib.sha256(response.body).hexdigest() == entry["sha256"])
        if not same:
            yield self._render(render)
        elif index + 1 < len(entries):
            yield self._request(entries, index + 1, unchanged, render)
        else:
            self.crawler.stats.inc_value("mirrorwatch/render/data_unchanged")
            yield unchanged

    def failed(self, failure) -> Iterator[scrapy.Request]:
        yield self._render(failure.request.cb_kwargs["render"])  # no answer to compare: let the browser see

    def _render(self, render: dict) -> scrapy.Request:
        self.crawler.stats.inc_value("mirrorwatch/render/data_changed")
        self.crawler.stats.inc_value("mirrorwatch/render/requests")
        return self.rendering(render)
