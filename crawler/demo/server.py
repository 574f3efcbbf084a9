"""A small static-site server for the demo and the tests.

It serves one folder as one site on 127.0.0.1 (port 0 picks a free port) and
behaves like a real web server where a crawler can tell: ETag and
Last-Modified validators with ``304 Not Modified`` (switchable off), 404 for
missing files, ``dir/`` → ``dir/index.html``, query strings ignored. Two
optional files in the folder steer it:

``_redirects``  lines ``/from /to [301|302]``
``_status``     lines ``/path STATUS`` (e.g. ``/flaky.html 503``)

The literal ``__BASE__`` in served text files becomes the site's base URL, so
sitemaps and feeds can hold absolute URLs whatever the port.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

TEXT_SUFFIXES = {".html", ".htm", ".xml", ".txt", ".rss", ".atom", ""}


class SiteServer:
    """``with SiteServer(folder) as site: crawl(site.url)``"""

    def __init__(self, root: str | Path, *, port: int = 0, validators: bool = True):
        self.root = Path(root).resolve()
        self.validators = validators
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # (method, path, headers)
        handler = type("Handler", (_Handler,), {"site": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread: threading.Thread | None = None

    def start(self) -> SiteServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def paths_requested(self) -> list[str]:
        return [path for _, path, _ in self.requests]

    def _table(self, name: str) -> dict[str, list[str]]:
        path = self.root / name
        if not path.is_file():
            return {}
        rows = (line.split() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#"))
        return {row[0]: row[1:] for row in rows if len(row) >= 2}


class _Handler(BaseHTTPRequestHandler):
    site: SiteServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args) -> None:  # keep test and demo output quiet
        pass

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        site = self.site
        path = unquote(urlsplit(self.path).path)
        site.requests.append((self.command, self.path, dict(self.headers.items())))
        if path in (redirects := site._table("_redirects")):
            target, *code = redirects[path]
            return self._send(int(code[0]) if code else 301, b"", {"Location": target})
        if path in (statuses := site._table("_status")):
            return self._send(int(statuses[path][0]), b"error\n", {"Content-Type": "text/plain"})
        file = self._file(path)
        if file is None:
            return self._send(404, b"<html><body><h1>Not found</h1></body></html>", {"Content-Type": "text/html"})
        body = file.read_bytes()
        if file.suffix in TEXT_SUFFIXES:
            body = body.replace(b"__BASE__", site.url.encode())
        ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype.endswith("xml"):
            ctype += "; charset=utf-8"
        headers = {"Content-Type": ctype}
        if site.validators:
            etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
            headers["ETag"] = etag
            headers["Last-Modified"] = formatdate(int(file.stat().st_mtime), usegmt=True)
            if self.headers.get("If-None-Match") == etag:
                return self._send(304, b"", {"ETag": etag})
        self._send(200, b"" if head else body, headers, length=len(body))

    def _file(self, path: str) -> Path | None:
        candidate = (self.site.root / path.lstrip("/")).resolve()
        if not candidate.is_relative_to(self.site.root):
            return None
        if candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() and not candidate.name.startswith("_") else None

    def _send(self, status: int, body: bytes, headers: dict[str, str], *, length: int | None = None) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        if body:
            self.wfile.write(body)
