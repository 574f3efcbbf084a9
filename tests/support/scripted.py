"""A local site whose pages answer a scripted series of responses (status, headers, body),
the last one from then on; it notes every request with its time and headers."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

HTML = {"Content-Type": "text/html; charset=utf-8"}


@dataclass
class Answer:
    body: bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: dict(HTML))


class ScriptedSite:
    def __init__(self):
        self.script: dict[str, list[Answer]] = {}
        self.requests: list[tuple[float, str, dict[str, str]]] = []  # (monotonic time, path, headers)
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                path = urlsplit(self.path).path  # a request through a proxy names the whole URL
                site.requests.append((time.monotonic(), path, dict(self.headers.items())))
                answers = site.script.get(path)
                answer = (answers.pop(0) if len(answers) > 1 else answers[0]) if answers else Answer(b"", 404)
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value() if callable(value) else value)  # e.g. a date from now
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.robots(b"User-agent: *\n")

    def robots(self, text: bytes) -> None:
        self.script["/robots.txt"] = [Answer(text, headers={"Content-Type": "text/plain"})]

    def answer(self, path: str, *answers: Answer | bytes | str) -> None:
        self.script[path] = [a if isinstance(a, Answer) else Answer(a.encode() if isinstance(a, str) else a)
                             for a in answers]

    def index(self, *paths: str) -> None:
        self.answer("/", "<html><body>" + "".join(f'<a href="{p}">{p}</a> ' for p in paths) + "</body></html>")

    def count(self, path: str) -> int:
        return sum(1 for _, p, _ in self.requests if p == path)

    def times(self, path: str) -> list[float]:
        return [t for t, p, _ in self.requests if p == path]

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def scripted():
    site = ScriptedSite()
    yield site
    site.stop()
