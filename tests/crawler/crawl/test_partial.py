"""A fetch that looks partial is re-fetched once before it becomes a version (real crawls)."""

import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.support.sites import PARAGRAPHS, article_html

A = "/articles/tram.html"
FULL = article_html("Tram line extended", PARAGRAPHS).encode()
CUT = FULL[: FULL.index(PARAGRAPHS[1].encode()) + 40]  # the transfer stopped inside paragraph 2


class ScriptedSite:
    """A site whose pages answer a scripted series of bodies, the last one from then on."""

    def __init__(self):
        self.script: dict[str, list[bytes]] = {}
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                site.requests.append(self.path)
                bodies = site.script.get(self.path)
                if not bodies:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = bodies.pop(0) if len(bodies) > 1 else bodies[0]
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.script["/"] = [f'<html><body><a href="{A}">tram</a></body></html>'.encode()]
        self.script["/robots.txt"] = [b"User-agent: *\n"]

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def scripted():
    site = ScriptedSite()
    yield site
    site.stop()


def setup(scripted, ws):
    scripted.script[A] = [FULL]
    ws.sources(f'[[source]]\nname = "test"\nrole = "origin"\nstart_urls = ["{scripted.url}/"]\n'
               'allow = ["/articles/"]\n')
    assert ws.crawl()["summary"]["new_version"] == 1


def outcomes(ws):
    with sqlite3.connect(ws.db) as conn:
        return [o for (o,) in conn.execute("select outcome from capture order by id")]


@pytest.mark.slow
def test_a_page_cut_off_once_is_refetched_and_not_stored_as_a_version(scripted, ws):
    setup(scripted, ws)
    scripted.requests.clear()
    scripted.script[A] = [CUT, FULL]
    result = ws.crawl()
    assert scripted.requests.count(A) == 2
    assert result["stats"]["mirrorwatch/fetch/partial_refetched"] == 1
    assert "mirrorwatch/fetch/partial_confirmed" not in result["stats"]
    assert (result["summary"]["new_version"], result["summary"]["unchanged"]) == (0, 1)
    assert outcomes(ws) == ["new-version", "unchanged"]  # the cut-off fetch left no capture
    assert len(ws.json("history", scripted.url + A)["versions"]) == 1


@pytest.mark.slow
def test_a_page_cut_off_twice_becomes_a_truncated_version(scripted, ws):
    setup(scripted, ws)
    scripted.script[A] = [CUT]
    result = ws.crawl()
    assert result["stats"]["mirrorwatch/fetch/partial_refetched"] == 1
    assert result["stats"]["mirrorwatch/fetch/partial_confirmed"] == 1
    assert result["summary"]["new_version"] == 1
    assert outcomes(ws) == ["new-version", "new-version"]
    with sqlite3.connect(ws.db) as conn:
        assert conn.execute("select number, change_class from version order by number").fetchall() == [
            (1, None), (2, "truncated")]


@pytest.mark.slow
def test_a_whole_page_is_fetched_once(scripted, ws):
    setup(scripted, ws)
    scripted.requests.clear()
    edited = PARAGRAPHS[:3] + ["The first trams are expected in 2030."]
    scripted.script[A] = [article_html("Tram line extended", edited).encode()]
    result = ws.crawl()
    assert scripted.requests.count(A) == 1
    assert "mirrorwatch/fetch/partial_refetched" not in result["stats"]
    assert result["summary"]["new_version"] == 1
