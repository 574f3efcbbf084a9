"""Article pages rendered in headless Chromium, for sources with ``render = "browser"``.

Only a rendering source's crawler gets scrapy-playwright's download handler
(:func:`browser_settings`); the handler renders only requests whose meta says so
(:meth:`Renderer.request`), so sitemaps, feeds, robots.txt and listing pages stay plain HTTP.
The reactor is asyncio for every crawl already (``crawler.settings``): nothing else changes.

A rendered page is re-checked in steps. Conditional GET cannot tell whether the *rendered*
text changed, so the article is first fetched plainly, with the validators of its last capture.
A changed raw body (or a page never rendered yet) is rendered. A 304, or a raw body whose SHA-256
equals the one the last rendering was made from, is not the end of it: the data responses that
rendering loaded (``crawler.crawl.render_data``) are asked for over plain HTTP too, and only when
all of them answer the same is the page ``not-modified`` without starting the browser. The raw
body's hash, the data responses and the mark of a rendering travel in the capture's stored
headers (:data:`RAW_SHA256`, ``render_data.DATA``, :data:`RENDERED`), so no schema change is needed.

Playwright's own browser download is never used: Debian's ``chromium`` is launched by path.
Each browser context is closed after ``render_recycle`` pages (and a fresh one opened), so a
long crawl's browser memory stays bounded.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from collections import Counter

import scrapy
from scrapy.http import Response

from crawler.crawl.errors import BrowserMissing
from crawler.crawl.items import PageFetched
from crawler.crawl.render_data import DATA, DataCheck, data_entries, data_header, noted, recorded
from crawler.sources import Source

RENDERED = "X-Mirrorwatch-Rendered"  # on a rendered capture's stored headers: "chromium"
RAW_SHA256 = "X-Mirrorwatch-Raw-Sha256"  # the SHA-256 of the raw HTML the rendering started from
HANDLER = "crawler.crawl.render_handler.RenderHandler"  # scrapy-playwright's, stopping with the crawl
log = logging.getLogger(__name__)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        raise BrowserMissing("render = \"browser\" needs chromium: apt-get install chromium "
                             "(or scripts/ensure-chromium.sh)")
    try:
        import scrapy_playwright  # noqa: F401
    except ImportError:
        raise BrowserMissing("render = \"browser\" needs scrapy-playwright: pip install 'mirrorwatch[browser]'") from None
    return path


def browser_settings(source: Source) -> dict:
    """The settings a rendering source's crawler adds (none for an ``http`` source)."""
    if source.render != "browser":
        return {}
    settings = {} if source.render_offsite else {"PLAYWRIGHT_ABORT_REQUEST": _offsite(source.origin)}
    return settings | {
        "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": chromium_path(), "headless": True, "args": CHROMIUM_ARGS},
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": source.render_concurrency,
        # The context being recycled may still finish its pages while the next one starts.
        "PLAYWRIGHT_MAX_CONTEXTS": 2,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": source.render_timeout * 1000,
    }


def _offsite(origin: str):
    """``render_offsite = false``: abort the requests of a rendered page to other origins."""
    from storage.urls import origin_of

    def abort(request) -> bool:
        return request.url.startswith(("http:", "https:")) and origin_of(request.url) != origin

    return abort


def raw_sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class Renderer:
    """The render requests of one source's crawl, and the recycling of their browser contexts.

    A render request gets its context when it reaches the downloader (not when it is made): the
    scheduler hands requests out last-in first-out, so contexts handed out at creation could be
    asked for out of order, a third context waiting (``PLAYWRIGHT_MAX_CONTEXTS``) for a retired one
    whose last pages wait behind it in the queue. In downloader order, a retired context's pages
    are all ahead of the next context's. Stats: ``mirrorwatch/render/contexts_closed`` (Playwright's
    ``close`` events of the crawl's contexts before it ends) and ``mirrorwatch/render/contexts_open_at_end``
    (the browser's own count when the spider closes; scrapy-playwright closes those after).
    """

    def __init__(self, source: Source, crawler):
        self.source = source
        self.crawler = crawler
        self.generation = 0  # the context new pages open in: "<source>-<generation>"
        self.served = 0  # pages given to the current context
        self.open: Counter[str] = Counter()  # pages sent to each context and not done yet
        self.contexts: dict[str, object] = {}  # the Playwright contexts seen and not closed, by name
        self.browser = None  # Playwright's browser, once a page was seen
        self.ended = False
        self.found: dict[object, list] = {}  # the data responses noted, per rendered page (``note``)
        self.data = DataCheck(crawler, self.request)  # re-checks of the data behind a page whose raw HTML is unchanged
        crawler.signals.connect(self._assign, signal=scrapy.signals.request_reached_downloader)
        crawler.signals.connect(self._spider_closed, signal=scrapy.signals.spider_closed)

    def recheck(self, response: Response, item: PageFetched, marks: dict[str, str], known) -> PageFetched | scrapy.Request:
        """After the plain fetch ``item`` of an article (``marks``: what its last rendering started
        from, ``storage.archive.recheck.render_marks``): its rendering when the raw body changed or
        the page was never rendered, else the check of the data behind it, else ``item`` not modified."""
        digest = marks.get(RAW_SHA256, "") if response.status == 304 else raw_sha256(response.body)
        # What the rendering needs, plain data (a shared frontier stores requests): see ``request``.
        render = {"url": response.url, "raw": raw_of(response, digest, known if response.status == 304 else None),
                  "meta": {key: response.meta[key] for key in ("depth", "article", "listed_modified")
                           if key in response.meta}}
        if not marks or marks.get(RAW_SHA256) != digest:
            self.crawler.stats.inc_value("mirrorwatch/render/requests")
            return self.request(render)
        if response.status != 304:
            self.crawler.stats.inc_value("mirrorwatch/render/raw_unchanged")
            item.body, item.raw_unchanged = None, True
        # The next crawl compares with the same rendering's marks.
        item.headers += [(name, marks[name]) for name in (RAW_SHA256, DATA) if name in marks]
        data = data_entries(marks)
        return self.data.first(data, item, render) if data else item

    def rendered(self, item: PageFetched, raw: dict, data: list[dict]) -> PageFetched:
        """The item of a rendered page, with the plain fetch's validators and the marks of its rendering."""
        item.etag, item.last_modified = (v.decode("latin-1") if v else None for v in (raw["etag"], raw["last_modified"]))
        item.headers = [h for h in item.headers if h[0].lower() not in ("etag", "last-modified")]
        item.headers += [(name, v.decode("latin-1")) for name, v in (("ETag", raw["etag"]),
                                                                    ("Last-Modified", raw["last_modified"])) if v]
        item.headers += [(RENDERED, "chromium"), (RAW_SHA256, raw["sha256"])] + ([data_header(data)] if data else [])
        item.rendered = True
        return item

    def request(self, render: dict) -> scrapy.Request:
        """The rendering of an article: ``render`` is its URL, the meta its plain fetch hands on, and
        ``raw``, what the rendered capture keeps of that fetch (:func:`raw_of`). Its callbacks are
        the spider's and its meta plain data, so that a shared frontier can store it."""
        from scrapy_playwright.page import PageMethod

        spider = self.crawler.spider
        timeout = self.source.render_timeout * 1000
        if self.source.wait_for:
            methods, wait_until = [PageMethod("wait_for_selector", self.source.wait_for, timeout=timeout)], "load"
        else:
            methods, wait_until = [], "networkidle"
        meta = {**render["meta"], "playwright": True, "playwright_include_page": True,
                "playwright_page_methods": methods,
                "playwright_page_goto_kwargs": {"wait_until": wait_until, "timeout": timeout},
                "playwright_page_event_handlers": {"response": "on_render_response"},  # a spider method
                "raw_response": render["raw"], "handle_httpstatus_list": [404, 410]}
        return scrapy.Request(render["url"], callback=spider.parse_rendered, errback=spider.on_render_error, meta=meta,
                              dont_filter=True)

    def note(self, response) -> None:
        """A response a rendered page received: noted when it is one of its data (``render_data``)."""
        try:
            page = response.frame.page
        except Exception:  # a service worker's response has no frame
            return
        found = self.found.setdefault(page, [])
        found += noted(self.source.origin, response, len(found))

    def _assign(self, request: scrapy.Request, spider=None) -> None:
        """A render request reaching the downloader: the context it opens its page in."""
        if not request.meta.get("playwright") or "render_context" in request.meta:
            return  # not rendered, or a retry of one already counted
        context = f"{self.source.name}-{self.generation}"
        request.meta["playwright_context"] = request.meta["render_context"] = context
        self.open[context] += 1
        self.served += 1
        if self.served >= self.source.render_recycle:
            self.generation, self.served = self.generation + 1, 0

    async def data_of(self, meta: dict) -> list[dict]:
        """The data responses a rendered page loaded (while it is still open)."""
        return await recorded(self.found.pop(meta.get("playwright_page"), []))

    async def done(self, meta: dict) -> None:
        """Close a rendered page; close its context once it is retired and has no page left."""
        page = meta.pop("playwright_page", None)
        self.found.pop(page, None)
        name = meta.get("render_context")
        if name is None:
            return
        if page is not None:
            if name not in self.contexts:
                self.contexts[name], self.browser = page.context, page.context.browser
                page.context.on("close", self._context_closed)
            await _quietly(page.close())
        self.open[name] -= 1
        context = self.contexts.get(name)
        if self.open[name] <= 0 and name != f"{self.source.name}-{self.generation}":
            del self.open[name]
            if context is not None:
                del self.contexts[name]
                await _quietly(context.close())

    def _context_closed(self, _context=None) -> None:
        if not self.ended:
            self.crawler.stats.inc_value("mirrorwatch/render/contexts_closed")

    def _spider_closed(self, spider=None, reason=None) -> None:
        self.ended = True
        if self.browser is not None:
            self.crawler.stats.set_value("mirrorwatch/render/contexts_open_at_end", len(self.browser.contexts))

    def cut_short(self, failure) -> bool:
        """Whether a render failed because the crawl is stopping: the page gets no capture (it is
        re-checked by the next crawl), as a page the stop left unfetched."""
        if self.crawler.crawling:
            return False
        self.crawler.stats.inc_value("mirrorwatch/render/cut_short")
        log.info("render of %s cut short by the stop: %s", failure.request.url, failure.getErrorMessage()[:200])
        return True

    def timed_out(self, failure) -> str | None:
        """The reason of a render that never settled, or None for another failure."""
        name = type(failure.value).__name__
        if name == "TimeoutError" or "Timeout" in str(failure.value).split("\n", 1)[0]:
            what = f"waiting for {self.source.wait_for!r}" if self.source.wait_for else "the network going idle"
            return f"render timed out after {self.source.render_timeout:g} s ({what})"
        return None


async def _quietly(closing) -> None:
    """Close a page or context that may be gone already (the browser crashed, or was stopped)."""
    from playwright.async_api import Error

    try:
        await closing
    except Error as exc:
        log.debug("closing after the browser went: %s", exc)


def raw_of(response: Response, sha256: str, known=None) -> dict:
    """What the rendered capture keeps of the plain fetch: its validators (a 304 may leave some
    out: then the known page's) and the SHA-256 of its body (of the last one, for a 304)."""
    etag, modified = response.headers.get(b"ETag"), response.headers.get(b"Last-Modified")
    if known is not None:
        etag = etag or (known.etag.encode("latin-1") if known.etag else None)
        modified = modified or (known.last_modified.encode("latin-1") if known.last_modified else None)
    return {"etag": etag, "last_modified": modified, "sha256": sha256}
