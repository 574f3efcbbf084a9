"""A local site of N article pages built from the 181 real pages, served from memory.

Page ``/a/<k>.html`` is real page ``k`` for the first 181, then again one of the real pages
with a long article (``serving``: 1,000 pages serve each of those some seven times under
different URLs); ``/sitemap.xml`` is an index of sitemaps of 1,000 URLs each. Validators
(ETag, Last-Modified, ``304`` on ``If-None-Match``) can be switched off to measure a re-crawl
against a server that always sends the body.
The server runs in its own process so that its CPU is not counted in the crawl's.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import socket
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.bench.pages import load_pages

LAST_MODIFIED = "Mon, 02 Mar 2026 10:00:00 GMT"
PER_SITEMAP = 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# A short text on three URLs of one source is, rightly, the site's error template to the crawl
# (crawler/crawl/walls.py): a site that repeats the real pages repeats only those whose article
# (human-marked) is this long, far above the rule's 600 characters.
LONG_ARTICLE = 2000


def serving(pages: list) -> Callable[[int], int]:
    """Which of the real ``pages`` ``/a/<k>.html`` serves, as a function of ``k`` (the long
    pages are picked once: the server asks it of every request)."""
    long = [i for i, p in enumerate(pages) if len(p.truth) >= LONG_ARTICLE]
    return lambda k: k if k < len(pages) else long[k % len(long)]


def article_urls(base: str, n: int) -> list[str]:
    return [f"{base}/a/{k}.html" for k in range(n)]


def _serve(port: int, n: int, validators: bool, ready) -> None:
    real = load_pages()
    served = serving(real)
    bodies = [p.html for p in real]
    etags = ['"' + hashlib.sha256(b).hexdigest()[:20] + '"' for b in bodies]
    base = f"http://127.0.0.1:{port}"

    def sitemap(part: int) -> bytes:
        urls = article_urls(base, n)[part * PER_SITEMAP:(part + 1) * PER_SITEMAP]
        rows = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
        return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>'.encode()

    parts = range((n + PER_SITEMAP - 1) // PER_SITEMAP)
    index = ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             + "".join(f"<sitemap><loc>{base}/sitemap-{i}.xml</loc></sitemap>" for i in parts)
             + "</sitemapindex>").encode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            if path == "/sitemap.xml":
                return self._send(200, index, "application/xml")
            if path.startswith("/sitemap-") and path.endswith(".xml"):
                return self._send(200, sitemap(int(path[9:-4])), "application/xml")
            if path.startswith("/a/") and path.endswith(".html"):
                k = int(path[3:-5])
                if 0 <= k < n:
                    return self._article(served(k))
            self._send(404, b"not found", "text/plain")

        def _article(self, i: int) -> None:
            extra = {}
            if validators:
                extra = {"ETag": etags[i], "Last-Modified": LAST_MODIFIED}
                if self.headers.get("If-None-Match") == etags[i]:
                    self.send_response(304)
                    for name, value in extra.items():
                        self.send_header(name, value)
                    self.end_headers()
                    return
            self._send(200, bodies[i], "text/html; charset=utf-8", extra)

        def _send(self, status: int, body: bytes, ctype: str, extra: dict | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    serve_forever(port, Handler, ready)


def serve_forever(port: int, handler, ready) -> None:
    """A bench site's server on 127.0.0.1: threaded, a deep accept queue; ``ready`` set once it listens."""
    httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
    httpd.daemon_threads = True
    httpd.request_queue_size = 128
    ready.set()
    httpd.serve_forever()


class BenchSite:
    """``with BenchSite(1000) as site: crawl(site.url)``"""

    def __init__(self, pages: int, *, validators: bool = True, port: int | None = None):
        self.pages = pages
        self.validators = validators
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: multiprocessing.Process | None = None

    def urls(self) -> list[str]:
        return article_urls(self.url, self.pages)

    def __enter__(self) -> BenchSite:
        ctx = multiprocessing.get_context("spawn")
        ready = ctx.Event()
        self._process = ctx.Process(target=_serve, args=(self.port, self.pages, self.validators, ready), daemon=True)
        self._process.start()
        if not ready.wait(60):
            raise RuntimeError("benchmark site did not start")
        return self

    def __exit__(self, *exc) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.join(10)
