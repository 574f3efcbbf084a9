"""The dashboard's pages and JSON, in process (Starlette's TestClient), on SQLite and PostgreSQL:
change list filters and keyset pages, search (URL, title, full text kept in step with new
versions), the Atom feed, the CLI's JSON shapes, health warnings, errors, escaping."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import update
from starlette.testclient import TestClient

from crawler.web import create_app
from storage.archive import Archive
from storage.models import CrawlRun, Version
from storage.reports.copies import compare_report, copies_report
from storage.reports.history import diff_report, history_report
from storage.types import Extracted, Fetch
from tests.support.sites import PARAGRAPHS

T0 = datetime(2026, 3, 1, tzinfo=UTC)
NEWS, BLOG = "http://127.0.0.1:9001", "http://127.0.0.1:9002"
TRAM, HARBOUR, COPY = f"{NEWS}/tram.html", f"{NEWS}/harbour.html", f"{BLOG}/2026/03/tram/"
PLANT = "<script>document.title='pwned'</script>"
HARBOUR_TEXT = [
    "Harbour authorities approved a plan on Monday to deepen the main shipping channel by two metres.",
    "Environmental groups said the assessment underestimated the effect on the estuary's mudflats.",
]
ATOM = "{http://www.w3.org/2005/Atom}"


def ex(title, paragraphs):
    return Extracted(title, None, None, None, "en", None, tuple(paragraphs), "trafilatura", "2.3.1", "test")


@pytest.fixture
def archive(db_url):
    archive = Archive.open(db_url)
    archive.ensure_source("news", role="origin", origin=NEWS)
    archive.ensure_source("blog", role="mirror", origin=BLOG)

    def rec(source, url, minutes, title, paragraphs):
        archive.record(Fetch(source, url, T0 + timedelta(minutes=minutes), 200, f"{url}{minutes}".encode()),
                       ex(title, paragraphs))

    rec("news", TRAM, 0, "Tram line extended", PARAGRAPHS)
    rec("news", HARBOUR, 1, "Harbour channel", HARBOUR_TEXT)
    rec("blog", COPY, 2, "Tram " + PLANT, [PARAGRAPHS[0] + " " + PLANT, *PARAGRAPHS[1:]])
    rec("news", TRAM, 60, "Tram line extended north", PARAGRAPHS[:3] + ["Trams will run every six minutes."])
    rec("news", HARBOUR, 120, "Harbour channel", HARBOUR_TEXT + ["Fishermen asked for compensation."])
    with archive.session.begin() as s:  # what the monitoring classifier (another module) writes
        s.execute(update(Version).where(Version.number == 2, Version.title.like("Tram%"))
                  .values(change_class="rewrite", significance=0.8))
        s.execute(update(Version).where(Version.number == 2, Version.title.like("Harbour%"))
                  .values(change_class="addition", significance=0.3))
    yield archive
    archive.engine.dispose()


@pytest.fixture
def client(archive, db_url):
    app = create_app(db_url)
    with TestClient(app) as client:
        yield client
    app.state.archive.engine.dispose()


def test_change_list_newest_first_with_filters(client):
    rows = client.get("/api/changes").json()["changes"]
    assert [(r["url"], r["number"]) for r in rows] == [(HARBOUR, 2), (TRAM, 2), (COPY, 1), (HARBOUR, 1), (TRAM, 1)]
    assert rows[0]["change_class"] == "addition" and rows[0]["significance"] == 0.3
    assert rows[2]["change_class"] == "new" and rows[2]["change"] is None
    assert rows[1]["change"]["paragraphs_added"] + rows[1]["change"]["paragraphs_changed"] >= 1

    def urls(**params):
        return [(r["url"], r["number"]) for r in client.get("/api/changes", params=params).json()["changes"]]

    assert urls(source="blog") == [(COPY, 1)]
    assert urls(**{"class": "rewrite"}) == [(TRAM, 2)]
    assert urls(**{"class": "new"}) == [(COPY, 1), (HARBOUR, 1), (TRAM, 1)]
    assert urls(min_significance="0.5") == [(TRAM, 2)]
    assert urls(since="2026-03-01T00:30:00") == [(HARBOUR, 2), (TRAM, 2)]
    assert urls(until="2026-03-01T00:01:30Z", source="news") == [(HARBOUR, 1), (TRAM, 1)]
    assert urls(source="news", **{"class": "addition"}) == [(HARBOUR, 2)]


def test_change_list_pages_by_keyset_without_gaps_or_repeats(client):
    everything = client.get("/api/changes").json()["changes"]
    seen, after, pages = [], None, 0
    while True:
        data = client.get("/api/changes", params={"limit": 2, **({"after": after} if after else {})}).json()
        seen += data["changes"]
        pages += 1
        after = data["next"]
        if after is None:
            break
    assert pages == 3 and seen == everything
    html = client.get("/changes", params={"limit": 2}).text
    assert 'id="next"' in html and "after=" in html


def test_history_diff_copies_compare_json_match_the_cli_shapes(client, archive):
    history = client.get("/api/history", params={"url": TRAM}).json()
    cli_history = history_report(TRAM, archive.versions(TRAM))
    assert [{**row, "change_class": None} for row in history["versions"]] == \
        [{**row, "change_class": None} for row in cli_history["versions"]]
    assert history["gone_at"] is None and [v["change_class"] for v in cli_history["versions"]] == [None, "rewrite"]
    assert [(v["change_class"], v["significance"]) for v in history["versions"]] == [("new", None), ("rewrite", 0.8)]
    diff = client.get("/api/diff", params={"url": TRAM, "from": 1, "to": 2}).json()
    assert diff == diff_report(TRAM, archive.versions(TRAM), 1, 2)
    assert {p["status"] for p in diff["paragraphs"]} >= {"same"} and diff["from"] == 1 and diff["to"] == 2
    copies = client.get("/api/copies", params={"url": TRAM}).json()
    assert copies == copies_report(TRAM, archive.copies(TRAM))
    compare = client.get("/api/compare", params={"a": COPY, "b": TRAM}).json()
    assert compare == json.loads(json.dumps(compare_report(*archive.compare(COPY, TRAM))))
    assert compare["original"]["url"] == TRAM and compare["copy"]["url"] == COPY


def test_search_by_url_title_and_current_text(client, archive):
    found = client.get("/api/search", params={"q": "harbour.htm"}).json()
    assert [p["url"] for p in found["pages"]] == [HARBOUR]
    titled = client.get("/api/search", params={"q": "extended nor"}).json()  # last word as a prefix
    assert [(p["url"], p["title"]) for p in titled["pages"]] == [(TRAM, "Tram line extended north")]
    texts = client.get("/api/search", params={"q": "every six minutes"}).json()["texts"]
    assert [t["url"] for t in texts] == [TRAM]
    marked = [seg["text"].lower() for seg in texts[0]["passage"] if seg["match"]]
    assert {"every", "six", "minutes"} <= set(marked)
    assert "".join(seg["text"] for seg in texts[0]["passage"]).count("six minutes") == 1
    # Only current texts: the paragraph the tram page dropped in version 2 now finds the blog copy only.
    dropped = client.get("/api/search", params={"q": "first trams spring 2029"}).json()["texts"]
    assert [t["url"] for t in dropped] == [COPY]
    # Operators and quotes of the engines' query languages are plain words here, never errors.
    assert client.get("/api/search", params={"q": 'tram" OR NEAR( -* :'}).status_code == 200
    # A newer version is searchable at once: the index follows the write path.
    archive.record(Fetch("news", HARBOUR, T0 + timedelta(hours=5), 200, b"h3"),
                   ex("Harbour channel", HARBOUR_TEXT + ["Dredging begins in November."]))
    assert [t["url"] for t in client.get("/api/search", params={"q": "dredging november"}).json()["texts"]] == [HARBOUR]
    assert client.get("/api/search", params={"q": "fishermen compensation"}).json()["texts"] == []
    html = client.get("/search", params={"q": "six minutes"}).text
    assert "<mark>six</mark>" in html.lower() or "<mark>six minutes</mark>" in html.lower()


def test_atom_feed_is_valid_and_filterable(client):
    response = client.get("/feed.atom")
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed" and feed.find(f"{ATOM}id").text and feed.find(f"{ATOM}updated").text
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 5
    first = entries[0]
    assert first.find(f"{ATOM}title").text == "[addition] Harbour channel"
    assert first.find(f"{ATOM}updated").text == "2026-03-01T02:00:00+00:00"
    link = first.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert link.startswith("http://testserver/diff?") and "from=1" in link and "to=2" in link
    assert len({e.find(f"{ATOM}id").text for e in entries}) == 5
    filtered = ET.fromstring(client.get("/feed.atom", params={"source": "blog"}).content)
    titles = [e.find(f"{ATOM}title").text for e in filtered.findall(f"{ATOM}entry")]
    assert titles == ["[new] Tram " + PLANT]  # XML-escaped on the wire, the same text once parsed


def test_home_lists_sources_with_health_warnings(client, archive):
    with archive.session.begin() as s:
        news_id = 1
        s.add(CrawlRun(source_id=news_id, started_at=T0, finished_at=T0 + timedelta(minutes=1), status="failed",
                       finish_reason="shutdown", stats={"mirrorwatch/captures/error": 3,
                                                        "mirrorwatch/captures/new-version": 1}))
    data = client.get("/api/sources").json()["sources"]
    by_name = {row["name"]: row for row in data}
    assert (by_name["news"]["role"], by_name["news"]["pages"], by_name["news"]["versions"]) == ("origin", 2, 4)
    assert by_name["news"]["last_run"]["status"] == "failed" and by_name["news"]["last_run"]["error"] == 3
    assert by_name["news"]["warnings"] == ["the last crawl failed (shutdown)", "the last crawl had 3 errors in 4 fetches",
                                           "no crawl has finished"]
    assert by_name["blog"]["warnings"] == ["never crawled"]
    html = client.get("/").text
    assert "the last crawl failed (shutdown)" in html and "never crawled" in html


def test_pages_escape_scraped_text_and_forbid_script(client):
    for path, params in (("/changes", {}), ("/page", {"url": COPY}), ("/compare", {"a": TRAM, "b": COPY}),
                         ("/search", {"q": "document title pwned"}), ("/copies", {"url": TRAM})):
        response = client.get(path, params=params)
        assert response.status_code == 200, path
        assert "script-src" not in response.headers["content-security-policy"]
        assert response.headers["content-security-policy"].startswith("default-src 'none'")
        assert "<script>" not in response.text, path
    assert "&lt;script&gt;document.title" in client.get("/page", params={"url": COPY}).text


def test_errors_are_one_clear_message(client):
    missing = client.get("/api/history", params={"url": "http://127.0.0.1:9001/none.html"})
    assert missing.status_code == 404 and missing.json() == {"error": "no page in the archive for http://127.0.0.1:9001/none.html"}
    assert client.get("/page", params={"url": "http://127.0.0.1:9001/none.html"}).status_code == 404
    bad = client.get("/api/changes", params={"since": "yesterday"})
    assert bad.status_code == 400 and bad.json()["error"].startswith("not a time: 'yesterday'")
    assert client.get("/api/diff", params={"url": TRAM, "from": 1, "to": 9}).json()["error"].endswith("no version 9 (versions: 1, 2)")
    assert client.get("/api/changes", params={"source": "nope"}).json() == {"error": "unknown source 'nope'"}
    assert client.get("/api/changes", params={"after": "garbage"}).status_code == 400
    assert client.get("/api/history").json() == {"error": "missing query parameter 'url'"}
    assert client.post("/api/changes").status_code == 405  # read-only


def test_home_says_when_the_site_blocked_the_crawl(client, archive):
    with archive.session.begin() as s:
        s.add(CrawlRun(source_id=1, started_at=T0, finished_at=T0 + timedelta(minutes=1), status="finished",
                       finish_reason="finished", stats={"mirrorwatch/captures/blocked": 2,
                                                        "mirrorwatch/captures/unchanged": 3}))
    by_name = {row["name"]: row for row in client.get("/api/sources").json()["sources"]}
    assert by_name["news"]["last_run"]["blocked"] == 2
    assert "the last crawl was blocked by the site (2 pages)" in by_name["news"]["warnings"]
    assert '<div class="warn">⚠ the last crawl was blocked by the site (2 pages)</div>' in client.get("/").text
