"""The dashboard's captures and show views, and a gone page on the page view (SQLite and
PostgreSQL): a raw body is shown as escaped text in <pre>, never rendered."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from crawler.web import create_app
from storage.archive import Archive
from tests.support.records import ARTICLE, URL, extracted, fetch

HOSTILE = ("<html><head><title>t</title></head><body><p>Harbour</p></pre><script>alert('raw')</script>"
           "<img src=x onerror=alert(2)></body></html>")


@pytest.fixture
def client(db_url):
    archive = Archive.open(db_url)
    archive.ensure_source("gazette", role="origin", origin="http://127.0.0.1:9")
    archive.record(fetch(HOSTILE.encode(), content_type="text/html; charset=utf-8"),
                   extracted(ARTICLE[:2] + ["<script>alert('text')</script>"]))
    archive.record(fetch(b"<html>two</html>", minutes=10), extracted(ARTICLE))
    archive.record(fetch(None, status=410, minutes=20))
    archive.engine.dispose()
    app = create_app(db_url)
    with TestClient(app) as client:
        yield client
    app.state.archive.engine.dispose()


def test_raw_body_is_escaped_text_in_pre_never_markup(client):
    response = client.get("/show", params={"url": URL, "version": 1, "raw": 1})
    assert response.status_code == 200
    html = response.text
    assert "<script" not in html and "<img" not in html
    assert ("<pre id=\"raw\" style=\"white-space: pre-wrap; overflow-wrap: anywhere\">&lt;html&gt;&lt;head&gt;"
            in html)
    assert "&lt;/pre&gt;&lt;script&gt;alert(&#39;raw&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in html
    assert "script-src" not in response.headers["content-security-policy"]  # and no script may run anyway
    data = client.get("/api/show", params={"url": URL, "version": 1, "raw": 1}).json()
    assert (data["body"], data["encoding"], data["size"], data["status"]) == (HOSTILE, "utf-8", len(HOSTILE), 200)


def test_show_gives_a_version_text(client):
    html = client.get("/show", params={"url": URL, "version": 1}).text
    assert f"<p>{ARTICLE[0]}</p>" in html and "<p>&lt;script&gt;alert(&#39;text&#39;)&lt;/script&gt;</p>" in html
    assert "version 1 of 2" in html
    current = client.get("/api/show", params={"url": URL}).json()
    assert (current["version"], current["text"]) == (2, "\n".join(ARTICLE))
    missing = client.get("/show", params={"url": URL, "version": 5})
    assert missing.status_code == 400 and f"{URL}: no version 5 (versions: 1, 2)" in missing.text


def test_captures_view_lists_every_fetch(client):
    data = client.get("/api/captures", params={"url": URL}).json()
    assert [(c["status"], c["outcome"], c["version"]) for c in data["captures"]] == [
        (200, "new-version", 1), (200, "new-version", 2), (410, "gone", None)]
    html = client.get("/captures", params={"url": URL}).text
    assert html.count("<tr>") == 4 and '<span class="pill">gone</span>' in html
    assert 'id="gone"' in html
    assert client.get("/captures", params={"url": "http://127.0.0.1:9/none.html"}).status_code == 404


def test_page_view_says_gone_and_links_captures_and_show(client):
    html = client.get("/page", params={"url": URL}).text
    assert '<p class="warn" id="gone"><strong>Gone</strong> since 2026-01-01 12:20:00 UTC' in html
    assert 'href="/captures?url=http%3A%2F%2F127.0.0.1%3A9%2Farticles%2Ftram.html"' in html
    assert 'href="/show?url=http%3A%2F%2F127.0.0.1%3A9%2Farticles%2Ftram.html&amp;version=1"' in html
    assert client.get("/api/history", params={"url": URL}).json()["gone_at"] == "2026-01-01T12:20:00+00:00"
