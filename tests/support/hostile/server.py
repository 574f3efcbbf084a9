"""A hostile site for the hardening tests: every page is a way a real site can go wrong.

``HostileServer(tmp, other_url=...)`` serves on 127.0.0.1 (port 0) a home page that
links to every case, a sitemap index of bad sitemaps, a feed with broken dates and a
few good articles. Responses are written by hand on the socket, so a case can stall,
reset the connection, break a chunked body or send a gzip bomb. ``robots`` picks how
``/robots.txt`` answers: ``ok``, ``500`` or ``stall``.

``CASES`` names each case and its path; the test module states each one's outcome.
"""

from __future__ import annotations

import gzip
import html
import io
import socket
import struct
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

STALL_SECONDS = 30  # far beyond the test crawl's DOWNLOAD_TIMEOUT
BOMB_BYTES = 100 * 1024 * 1024  # decompressed size of the gzip bomb

CYRILLIC = [
    "Городской совет во вторник проголосовал за продление трамвайной линии в северные районы города.",
    "Сторонники говорят, что продление сократит время в пути на треть для сорока тысяч жителей окраин.",
    "Противники предупреждают, что смета в триста десять миллионов евро слишком оптимистична.",
]
ENGLISH = [
    "The harbour authority confirmed on Monday that dredging of the eastern channel will resume in March.",
    "Shipping companies had complained for months that larger vessels could not reach the container terminal.",
    "The works are expected to cost forty million euros, most of it covered by a regional development fund.",
]


def good_text(n: int) -> list[str]:
    return [f"Good article {n}. {p}" for p in ENGLISH]


def page(title: str, paragraphs: list[str], *, head: str = "", extra: str = "") -> str:
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (f"<!doctype html><html><head>{head}<title>{html.escape(title)}</title></head><body>"
            f"<nav><a href='/'>Home</a></nav><main><article><h1>{html.escape(title)}</h1>\n{body}\n"
            f"</article></main>{extra}<footer><p>Hostile Gazette</p></footer></body></html>")


# name → path; the home page links to each (a few are reached from sitemaps and feeds only).
CASES: dict[str, str] = {
    "cp1251-meta": "/articles/cp1251-meta.html",
    "cp1251-none": "/articles/cp1251-none.html",
    "cp1251-mislabelled": "/articles/cp1251-mislabelled.html",
    "invalid-utf8": "/articles/invalid-utf8.html",
    "utf16-bom": "/articles/utf16-bom.html",
    "nul-bytes": "/articles/nul-bytes.html",
    "empty": "/articles/empty.html",
    "scripts-only": "/articles/scripts-only.html",
    "pdf-as-html": "/articles/pdf-as-html.html",
    "image-as-html": "/articles/image-as-html.html",
    "too-large": "/articles/too-large.html",
    "too-large-chunked": "/articles/too-large-chunked.html",
    "gzip-bomb": "/articles/gzip-bomb.html",
    "redirect-loop": "/articles/loop-a.html",
    "redirect-endless": "/articles/endless.html?n=0",
    "redirect-offsite": "/articles/to-offsite.html",
    "redirect-private": "/articles/to-private.html",
    "redirect-scheme": "/articles/to-file.html",
    "stall-headers": "/articles/stall-headers.html",
    "stall-body": "/articles/stall-body.html",
    "reset": "/articles/reset.html",
    "chunked-truncated": "/articles/chunked-truncated.html",
    "status-500": "/articles/status-500.html",
    "status-503": "/articles/status-503.html",
    "status-429": "/articles/status-429.html",
    "soft-404": "/articles/soft-404.html",
    "long-url": "/articles/" + "x" * 3000 + ".html",
    "non-ascii-url": "/articles/" + quote("трамвай") + ".html",
    "url-variants": "/articles/variant.html",
    "meta-refresh-loop": "/articles/refresh-a.html",
    "base-href": "/articles/base-href.html",
    "deep-dom": "/articles/deep-dom.html",
    "feed-broken-dates": "/articles/feed-dated.html",
    "calendar-trap": "/calendar/2026/01/",
    "article-trap": "/articles/trap/1.html",
}
GOOD = ["/articles/good-1.html", "/articles/good-2.html", "/articles/good-3.html"]


class HostileServer:
    def __init__(self, root: Path, *, other_url: str, robots: str = "ok", port: int = 0):
        self.root = root
        self.other_url = other_url
        self.robots = robots
        self.requests: list[str] = []
        self.lock = threading.Lock()
        root.mkdir(parents=True, exist_ok=True)
        self.secret = root / "secret.txt"  # what the XXE sitemap points at
        handler = type("Handler", (_Handler,), {"server_": self})
        self.httpd = _QuietServer(("127.0.0.1", port), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.secret.write_text(f"{self.url}/articles/leaked.html", encoding="utf-8")
        self._bomb: bytes | None = None
        self.bomb()  # built now: building it on request would look like a stalled server

    def start(self) -> HostileServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def paths(self) -> list[str]:
        with self.lock:
            return list(self.requests)

    def count(self, prefix: str) -> int:
        return sum(1 for p in self.paths() if p.startswith(prefix))

    def bomb(self) -> bytes:
        if self._bomb is None:
            # 100 MB of spaces compress to ~100 KB: a body Scrapy must not inflate in memory.
            buffer = io.BytesIO()
            block = b" " * (1024 * 1024)
            with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as gz:
                gz.write(b"<html><body><p>")
                for _ in range(BOMB_BYTES // len(block)):
                    gz.write(block)
            self._bomb = buffer.getvalue()
        return self._bomb


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # the crawler hanging up on a bomb or a stall is the point of the exercise


class _Handler(BaseHTTPRequestHandler):
    server_: HostileServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args) -> None:
        pass

    def do_GET(self) -> None:
        site = self.server_
        with site.lock:
            site.requests.append(self.path)
        path = unquote(urlsplit(self.path).path)
        route = _ROUTES.get(path) or _prefix_route(path)
        if route is None:
            return self.send(404, "<html><head><title>404</title></head><body>Not found</body></html>")
        route(self, site)

    # -- writing ---------------------------------------------------------------

    def send(self, status: int, body: str | bytes, *, ctype: str = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def raw(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()
        self.close_connection = True


Route = Callable[[_Handler, HostileServer], None]
_ROUTES: dict[str, Route] = {}


def route(*paths: str):
    def register(func: Route) -> Route:
        for p in paths:
            _ROUTES[unquote(p)] = func
        return func
    return register


def _prefix_route(path: str) -> Route | None:
    if path.startswith("/calendar/"):
        return _calendar
    if path.startswith("/articles/trap/"):
        return _article_trap
    if path.startswith("/articles/xxxxxxxx"):
        return _good_article
    return None


@route("/")
def _home(h: _Handler, site: HostileServer) -> None:
    links = [p for name, p in CASES.items() if name not in ("feed-broken-dates",)] + GOOD
    links += [  # URL variants of one page: scheme case, a fragment, tracking parameters, trailing slash
        "HTTP://" + site.url.split("://")[1] + "/articles/variant.html",
        "/articles/variant.html#comments", "/articles/variant.html?utm_source=x&fbclid=y",
        "/articles/variant.html/",
    ]
    items = "".join(f"<li><a href='{html.escape(u)}'>{html.escape(u[:40])}</a></li>" for u in links)
    h.send(200, f"<html><head><title>Hostile Gazette</title></head><body><ul>{items}</ul></body></html>")


@route("/robots.txt")
def _robots(h: _Handler, site: HostileServer) -> None:
    if site.robots == "500":
        return h.send(500, "internal error", ctype="text/plain")
    if site.robots == "stall":
        time.sleep(STALL_SECONDS)
        return
    h.send(200, f"User-agent: *\nDisallow: /private/\nSitemap: {site.url}/sitemap-index.xml\n", ctype="text/plain")


@route(*GOOD)
def _good_article(h: _Handler, site: HostileServer) -> None:
    n = h.path.split("good-")[1][0] if "good-" in h.path else "0"
    h.send(200, page(f"Good article {n}", good_text(int(n))))


@route("/articles/cp1251-meta.html")
def _cp1251_meta(h, site) -> None:
    body = page("Трамвай", CYRILLIC, head='<meta charset="windows-1251">').encode("cp1251")
    h.send(200, body, ctype="text/html")


@route("/articles/cp1251-none.html")
def _cp1251_none(h, site) -> None:
    h.send(200, page("Трамвай без кодировки", CYRILLIC).encode("cp1251"), ctype="text/html")


@route("/articles/cp1251-mislabelled.html")
def _cp1251_mislabelled(h, site) -> None:
    h.send(200, page("Трамвай, неверная метка", CYRILLIC).encode("cp1251"), ctype="text/html; charset=utf-8")


@route("/articles/invalid-utf8.html")
def _invalid_utf8(h, site) -> None:
    body = page("Invalid bytes", ENGLISH).encode("utf-8").replace(b"harbour", b"harb\xff\xfeour", 1)
    h.send(200, body)


@route("/articles/utf16-bom.html")
def _utf16(h, site) -> None:
    h.send(200, b"\xff\xfe" + page("Wide characters", CYRILLIC).encode("utf-16-le"), ctype="text/html")


@route("/articles/nul-bytes.html")
def _nul(h, site) -> None:
    h.send(200, page("Nul bytes", ENGLISH).encode().replace(b"dredging", b"dred\x00ging"))


@route("/articles/empty.html")
def _empty(h, site) -> None:
    h.send(200, b"")


@route("/articles/scripts-only.html")
def _scripts(h, site) -> None:
    h.send(200, "<html><head><script>var a = 1;</script></head><body><script>document.write('hi')</script>"
                "<noscript></noscript></body></html>")


@route("/articles/pdf-as-html.html")
def _pdf(h, site) -> None:
    h.send(200, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256)) * 8)


@route("/articles/image-as-html.html")
def _image(h, site) -> None:
    h.send(200, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)


@route("/articles/too-large.html")
def _too_large(h, site) -> None:
    h.send(200, page("Too large", ENGLISH * 20000))


@route("/articles/too-large-chunked.html")
def _too_large_chunked(h, site) -> None:
    # No Content-Length: the size is only known as the body streams in.
    h.raw(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"<p>" + b"y" * 65536 + b"</p>"
    try:
        for _ in range(200):  # 13 MB, more than the limit
            h.raw(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        h.raw(b"0\r\n\r\n")
    except OSError:
        pass  # the crawler hung up, as it should


@route("/articles/gzip-bomb.html")
def _gzip_bomb(h, site) -> None:
    h.send(200, site.bomb(), headers={"Content-Encoding": "gzip"})


@route("/articles/loop-a.html", "/articles/loop-b.html")
def _loop(h, site) -> None:
    target = "/articles/loop-b.html" if h.path.endswith("loop-a.html") else "/articles/loop-a.html"
    h.send(301, b"", ctype="", headers={"Location": target})


@route("/articles/endless.html")
def _endless(h, site) -> None:
    n = int(h.path.split("n=")[1]) if "n=" in h.path else 0
    h.send(302, b"", ctype="", headers={"Location": f"/articles/endless.html?n={n + 1}"})


@route("/articles/to-offsite.html")
def _to_offsite(h, site) -> None:
    h.send(301, b"", ctype="", headers={"Location": f"{site.other_url}/articles/good-1.html"})


@route("/articles/to-private.html")
def _to_private(h, site) -> None:
    h.send(301, b"", ctype="", headers={"Location": "http://169.254.169.254/latest/meta-data/"})


@route("/articles/to-file.html")
def _to_file(h, site) -> None:
    h.send(301, b"", ctype="", headers={"Location": f"file://{site.secret}"})


@route("/articles/stall-headers.html")
def _stall_headers(h, site) -> None:
    time.sleep(STALL_SECONDS)


@route("/articles/stall-body.html")
def _stall_body(h, site) -> None:
    h.raw(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n<html><body><p>Begin")
    time.sleep(STALL_SECONDS)


@route("/articles/reset.html")
def _reset(h, site) -> None:
    h.raw(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n<html><body><p>Begin")
    # SO_LINGER with a zero timeout: close() sends RST instead of FIN.
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.connection.close()


@route("/articles/chunked-truncated.html")
def _chunked_truncated(h, site) -> None:
    h.raw(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
          b"40\r\n<html><body><p>The first chunk arrives, and then the connection\r\n")
    h.connection.shutdown(socket.SHUT_RDWR)


@route("/articles/status-500.html")
def _500(h, site) -> None:
    h.send(500, "<html><body>Internal error</body></html>")


@route("/articles/status-503.html")
def _503(h, site) -> None:
    h.send(503, "<html><body>Down for maintenance</body></html>", headers={"Retry-After": "3600"})


@route("/articles/status-429.html")
def _429(h, site) -> None:
    h.send(429, "<html><body>Slow down</body></html>", headers={"Retry-After": "120"})


@route("/articles/soft-404.html")
def _soft_404(h, site) -> None:
    h.send(200, page("Page not found", ["Sorry, the page you were looking for could not be found.",
                                         "Try the search box or go back to the home page."]))


@route("/articles/трамвай.html")
def _non_ascii(h, site) -> None:
    h.send(200, page("Трамвай", CYRILLIC))


@route("/articles/variant.html")
def _variant(h, site) -> None:
    h.send(200, page("One page, many spellings", good_text(7)))


@route("/articles/variant.html/")
def _variant_slash(h, site) -> None:
    h.send(301, b"", ctype="", headers={"Location": "/articles/variant.html"})


@route("/articles/refresh-a.html", "/articles/refresh-b.html")
def _refresh(h, site) -> None:
    target = "/articles/refresh-b.html" if h.path.endswith("refresh-a.html") else "/articles/refresh-a.html"
    h.send(200, page("Moved", ["This page has moved."], head=f'<meta http-equiv="refresh" content="0; url={target}">'))


@route("/articles/base-href.html")
def _base_href(h, site) -> None:
    h.send(200, page("Base elsewhere", good_text(8), head=f'<base href="{site.other_url}/">',
                     extra="<a href='articles/good-2.html'>next</a> <a href='/articles/good-3.html'>more</a>"))


@route("/articles/deep-dom.html")
def _deep_dom(h, site) -> None:
    depth = 100_000
    h.send(200, "<html><head><title>Deep</title></head><body>" + "<div>" * depth
           + "<p>At the bottom of a very deep page.</p>" + "</div>" * depth + "</body></html>")


@route("/articles/feed-dated.html")
def _feed_dated(h, site) -> None:
    h.send(200, page("From the feed", good_text(9)))


def _calendar(h: _Handler, site: HostileServer) -> None:
    # /calendar/YYYY/MM/: each month links to the next, for ever.
    parts = [p for p in h.path.split("/") if p]
    year, month = (int(parts[1]), int(parts[2])) if len(parts) >= 3 else (2026, 1)
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    h.send(200, f"<html><body><a href='/calendar/{year}/{month:02d}/'>next month</a></body></html>")


def _article_trap(h: _Handler, site: HostileServer) -> None:
    # Every article links to a new one, for ever: max_pages must end it.
    n = int(h.path.rsplit("/", 1)[1].split(".")[0])
    h.send(200, page(f"Trap {n}", [f"Trap page {n}. " + p for p in ENGLISH],
                     extra=f"<a href='/articles/trap/{n + 1}.html'>next</a>"))


@route("/feed.xml")
def _feed(h, site) -> None:
    h.send(200, f"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>a</title><link>{site.url}/articles/feed-dated.html</link><pubDate>not a date at all</pubDate></item>
<item><title>b</title><link>{site.url}/articles/good-1.html</link><pubDate>Mon, 45 Foo 2026 99:99:99 XYZ</pubDate></item>
</channel></rss>""", ctype="application/rss+xml")


@route("/sitemap-index.xml")
def _sitemap_index(h, site) -> None:
    maps = "".join(f"<sitemap><loc>{site.url}/{name}</loc></sitemap>"
                   for name in ("sitemap-broken.xml", "sitemap-bomb.xml", "sitemap-xxe.xml"))
    h.send(200, f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"{maps}</sitemapindex>", ctype="application/xml")


@route("/sitemap-broken.xml")
def _sitemap_broken(h, site) -> None:
    h.send(200, f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<url><loc>{site.url}/articles/good-2.html</loc></url><url><loc>{site.url}/artic",
           ctype="application/xml")


@route("/sitemap-bomb.xml")
def _sitemap_bomb(h, site) -> None:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    h.send(200, f'<?xml version="1.0"?><!DOCTYPE urlset [{entities}]>'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<url><loc>{site.url}/articles/&lol9;.html</loc></url></urlset>", ctype="application/xml")


@route("/sitemap-xxe.xml")
def _sitemap_xxe(h, site) -> None:
    h.send(200, f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file://{site.secret}">]>'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<url><loc>&xxe;</loc></url></urlset>", ctype="application/xml")
