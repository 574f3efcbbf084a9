"""WARC out and in: the bundled sites crawled twice, exported, imported into a fresh archive.

The round trip must give back the same sources, pages, captures, versions (texts,
hashes) and copy links; malformed input is counted and skipped, never fatal.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.demo.run import (
    CORRECTION,
    EDIT_NEW,
    EDIT_OLD,
    EDITED,
    SEED_COPY,
    SEED_ORIGIN,
)
from storage.archive import Archive
from storage.models import Capture
from storage.types import Extracted, Fetch
from tests.support.sites import PARAGRAPHS, article_html
from tests.support.workspace import Workspace, demo_sites


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """The demo sites crawled, one article edited, crawled again, exported as WARC."""
    tmp = tmp_path_factory.mktemp("warc")
    with demo_sites(tmp) as (ws, origin, blog):
        ws.crawl()
        edited = tmp / "sites" / "origin" / EDITED
        html = edited.read_text(encoding="utf-8").replace(EDIT_OLD, EDIT_NEW)
        edited.write_text(html.replace("</article>", CORRECTION + "</article>", 1), encoding="utf-8")
        ws.crawl()
        exported = ws.json("export", "warc", "-o", "all.warc.gz")
        yield ws, origin.url, blog.url, exported


def state(db) -> dict:
    """What a round trip must keep, keyed by URL rather than database ids."""
    with sqlite3.connect(db) as conn:
        q = lambda sql: sorted(conn.execute(sql).fetchall())  # noqa: E731
        return {
            "sources": q("select name, role, origin from source"),
            "pages": q("select p.url, s.name, p.etag, p.last_modified, p.body_sha256, p.gone_at"
                       " from page p join source s on s.id = p.source_id"),
            "captures": q("select p.url, c.fetched_at, c.status, c.outcome, c.body_sha256, c.etag"
                          " from capture c join page p on p.id = c.page_id"),
            "versions": q("select p.url, v.number, v.captured_at, v.title, v.author, v.published, v.language,"
                          " v.text, v.text_sha256, v.extractor_version, v.options_hash, v.change"
                          " from version v join page p on p.id = v.page_id"),
            "links": q("select o.url, c.url, l.relation, l.original_reason, round(l.coverage, 6),"
                       " round(l.precision, 6) from copy_link l join page o on o.id = l.original_page_id"
                       " join page c on c.id = l.copy_page_id"),
            "blobs": q("select sha256, size from blob"),
            "aliases": q("select a.url, p.url, a.kind from page_alias a join page p on p.id = a.page_id"),
        }


@pytest.mark.slow
def test_round_trip_gives_the_same_pages_versions_and_copy_links(crawled, tmp_path):
    ws, origin, blog, exported = crawled
    before = state(ws.db)
    assert len(before["versions"]) >= 18 and len(before["links"]) >= 1  # 13+ articles, 4 posts, 1 edit
    assert exported["responses"] == len(before["captures"]) and exported["skipped_no_response"] == 0
    fresh = Workspace(tmp_path)  # no sources file: names and roles come from the metadata records
    report = fresh.json("import", "warc", str(ws.dir / "all.warc.gz"))
    assert report["responses"] == len(before["captures"]) and report["skipped_total"] == 0
    assert report["outcomes"]["new-version"] == len(before["versions"])
    after = state(fresh.db)
    for key in before:
        assert after[key] == before[key], key
    copies = fresh.json("copies", origin + "/" + SEED_ORIGIN)["copies"]
    assert [(c["url"], c["relation"]) for c in copies] == [(blog + "/" + SEED_COPY, "excerpt")]
    history = fresh.json("history", origin + "/" + EDITED)["versions"]
    assert [v["number"] for v in history] == [1, 2]


@pytest.mark.slow
def test_importing_the_same_warc_twice_changes_nothing(crawled, tmp_path):
    ws, *_ = crawled
    fresh = Workspace(tmp_path)
    fresh.run("import", "warc", str(ws.dir / "all.warc.gz"))
    first = state(fresh.db)
    again = fresh.json("import", "warc", str(ws.dir / "all.warc.gz"))
    assert again["outcomes"] == {}
    assert again["skipped"] == {"not newer than the page's last capture": len(first["captures"])}
    assert state(fresh.db) == first


@pytest.mark.slow
def test_export_is_deterministic_and_readable_by_warcio(crawled):
    ws, origin, blog, exported = crawled
    ws.cli("export", "warc", "-o", "again.warc.gz")
    first, second = (ws.dir / "all.warc.gz").read_bytes(), (ws.dir / "again.warc.gz").read_bytes()
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()
    with sqlite3.connect(ws.db) as conn:
        etags = sorted(conn.execute("select p.url, c.etag from capture c join page p on p.id = c.page_id"
                                    " where c.status = 200"))
        versions = dict(conn.execute("select p.url || '#' || v.number, v.text_sha256 from version v"
                                     " join page p on p.id = v.page_id"))
    kinds, responses, metadata = [], {}, []
    with (ws.dir / "all.warc.gz").open("rb") as fh:
        for record in ArchiveIterator(fh, check_digests="raise"):  # raises on a wrong digest
            kinds.append(record.rec_type)
            body = record.content_stream().read()
            record_id = record.rec_headers.get_header("WARC-Record-ID")
            if record.rec_type == "response":
                responses[record_id] = (record, body)
            elif record.rec_type == "metadata":
                metadata.append((record.rec_headers.get_header("WARC-Concurrent-To"), body))
    assert kinds[0] == "warcinfo" and kinds.count("response") == exported["responses"] == len(metadata)
    assert all(a == "response" and b == "metadata" for a, b in zip(kinds[1::2], kinds[2::2], strict=True))
    seen = []
    for refers_to, body in metadata:
        record, payload = responses[refers_to]
        meta = json.loads(body)
        url = record.rec_headers.get_header("WARC-Target-URI")
        assert meta["page_url"] == url
        assert meta["source"]["name"] == ("global-research" if url.startswith(origin) else "tcttnews")
        if record.http_headers.get_statuscode() == "200":
            # The headers as the server sent them, the length of the stored (decoded) body.
            seen.append((url, record.http_headers.get_header("ETag")))
            assert record.http_headers.get_header("Server", "").startswith("BaseHTTP")  # as received
            assert record.http_headers.get_header("Content-Length") == str(len(payload))
            assert b"<html" in payload.lower()
            assert versions[f"{url}#{meta['version']['number']}"] == meta["version"]["text_sha256"]
    assert sorted(seen) == etags and len(etags) >= 18


# -- malformed input ----------------------------------------------------------------------


def _record(url: str | None, body: bytes, *, kind: str = "response", status: str = "200 OK",
            headers=(("Content-Type", "text/html; charset=utf-8"),), date="2026-02-01T10:00:00Z") -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True, warc_version="1.1")
    http = StatusAndHeaders(status, list(headers), protocol="HTTP/1.1") if kind == "response" else None
    warc_headers = {"WARC-Date": date}
    if url is None:  # warcio always writes a URI it is given; build the record without one
        record = writer.create_warc_record("http://placeholder.invalid/", kind, payload=io.BytesIO(body),
                                           length=len(body), http_headers=http, warc_headers_dict=warc_headers)
        record.rec_headers.remove_header("WARC-Target-URI")
    else:
        record = writer.create_warc_record(url, kind, payload=io.BytesIO(body), length=len(body),
                                           http_headers=http, warc_headers_dict=warc_headers)
    writer.write_record(record)
    return buf.getvalue()


BASE = "http://127.0.0.1:9"


def _page(n: int) -> bytes:
    return article_html(f"Story {n}", [f"Story {n}. " + p for p in PARAGRAPHS]).encode()


@pytest.mark.slow
def test_foreign_warc_creates_sources_and_follows_redirects(tmp_path):
    ws = Workspace(tmp_path)
    data = (
        _record(f"{BASE}/news/1.html", _page(1))
        + _record(f"{BASE}/old/1.html", b"", status="301 Moved Permanently",
                  headers=(("Location", "/news/1.html"),))
        + _record(f"{BASE}/logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, headers=(("Content-Type", "image/png"),))
        + _record("https://other.example:8443/a/story.html", _page(2))
    )
    (tmp_path / "foreign.warc.gz").write_bytes(data)
    report = ws.json("import", "warc", "foreign.warc.gz", "--role", "mirror")
    assert report["outcomes"] == {"new-version": 2}
    assert report["skipped"] == {"not an HTML page": 1, "redirect": 1}
    assert report["sources_created"] == ["127.0.0.1-9", "other.example-8443"]
    with sqlite3.connect(ws.db) as conn:
        assert sorted(conn.execute("select name, role, origin from source")) == [
            ("127.0.0.1-9", "mirror", "http://127.0.0.1:9"), ("other.example-8443", "mirror", "https://other.example:8443")]
        assert conn.execute("select url, kind from page_alias").fetchall() == [(f"{BASE}/old/1.html", "redirect")]
    history = ws.json("history", f"{BASE}/old/1.html")  # found through the redirect alias
    (version,) = history["versions"]
    assert version["title"] == "Story 1" and version["captured_at"].startswith("2026-02-01T10:00:00")


@pytest.mark.slow
def test_malformed_records_are_counted_and_skipped(tmp_path):
    ws = Workspace(tmp_path)
    good = [_record(f"{BASE}/news/{n}.html", _page(n)) for n in range(1, 4)]
    data = (
        good[0]
        + gzip.compress(b"this is not a WARC record at all\r\n\r\n", mtime=0)  # a garbage record
        + _record(f"{BASE}/news/1.html", b"GET /news/1.html HTTP/1.1\r\nHost: x\r\n\r\n", kind="request")
        + _record(None, _page(9))  # a response with no target URI
        + good[1]
        + good[2][: len(good[2]) - 40]  # the last record cut short: a truncated gzip
    )
    (tmp_path / "broken.warc.gz").write_bytes(data)
    report = ws.json("import", "warc", "broken.warc.gz")
    assert report["outcomes"] == {"new-version": 2}
    assert report["skipped"] == {"malformed record": 1, "request record": 1, "response with no target URI": 1,
                                 "truncated record": 1}
    with sqlite3.connect(ws.db) as conn:
        assert sorted(u for (u,) in conn.execute("select url from page")) == [f"{BASE}/news/1.html",
                                                                               f"{BASE}/news/2.html"]


@pytest.mark.slow
def test_a_file_that_is_not_a_warc_is_one_clear_error(tmp_path):
    ws = Workspace(tmp_path)
    (tmp_path / "good.warc.gz").write_bytes(_record(f"{BASE}/news/1.html", _page(1)))
    (tmp_path / "notes.txt").write_text("these are my notes\nnot a WARC file\n")
    result = ws.run("import", "warc", "good.warc.gz", "notes.txt", check=False)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: notes.txt: not a WARC file (Unknown archive format, first line: ['these', 'are', 'my', 'notes'])"]
    assert not ws.db.exists()  # every file is checked before the archive is even opened


def test_captures_stored_without_headers_get_synthesised_ones(tmp_path):
    ws = Workspace(tmp_path)
    archive = Archive.open(ws.db_url)
    archive.ensure_source("old", role="origin", origin=BASE)
    extracted = Extracted("Story 1", None, None, None, "en", None, ("Story one.",), "trafilatura", "2.3.1", "x")
    archive.record(Fetch("old", f"{BASE}/news/1.html", datetime(2025, 5, 1, 9, 30, 15, 250000, tzinfo=UTC), 200,
                         _page(1), content_type="text/html; charset=utf-8", etag='"v1"',
                         last_modified="Thu, 01 May 2025 09:00:00 GMT"), extracted)
    archive.engine.dispose()
    ws.cli("export", "warc", "-o", "old.warc.gz")
    with (tmp_path / "old.warc.gz").open("rb") as fh:
        found = [(r, r.content_stream().read()) for r in ArchiveIterator(fh) if r.rec_type == "response"]
        ((response, body),) = found
        assert response.rec_headers.get_header("WARC-Date") == "2025-05-01T09:30:15.250000Z"
        assert response.http_headers.protocol == "HTTP/1.1" and response.http_headers.get_statuscode() == "200"
        assert response.http_headers.headers == [
            ("Content-Type", "text/html; charset=utf-8"), ("ETag", '"v1"'),
            ("Last-Modified", "Thu, 01 May 2025 09:00:00 GMT"), ("Content-Length", str(len(_page(1))))]
        assert body == _page(1)


@pytest.mark.slow
def test_warc_export_of_an_imported_warc_is_the_same_file(db_url, tmp_path):
    """export(import(export(A))) == export(A), with the import and second export on either backend
    (PostgreSQL reads through a server-side cursor while it fetches bodies)."""
    from crawler.extract.extractor import extract
    from crawler.ingest.warc import WarcImporter
    from storage.interchange.warc_out import export_warc

    first = Archive.open(f"sqlite:///{tmp_path / 'first.db'}")
    first.ensure_source("news", role="origin", origin=BASE)
    for n in range(1, 4):
        for minute, body in ((0, _page(n)), (60, _page(n)), (120, _page(n + 10))):
            fetched_at = datetime(2026, 2, 1, n, tzinfo=UTC) + timedelta(minutes=minute)
            headers = (("Content-Type", "text/html"), ("X-Served-By", f"edge-{n}"))
            first.record(Fetch("news", f"{BASE}/news/{n}.html", fetched_at, 200, body, headers=headers),
                         extract(body, url=f"{BASE}/news/{n}.html"))
    assert export_warc(first.session, tmp_path / "first.warc.gz").responses == 9
    second = Archive.open(db_url)
    report = WarcImporter(second, workers=1).run([tmp_path / "first.warc.gz"]).as_dict()
    assert report["outcomes"] == {"new-version": 6, "unchanged": 3} and report["skipped_total"] == 0
    for n in range(1, 4):
        url = f"{BASE}/news/{n}.html"
        assert [(v.number, v.text_sha256, v.captured_at) for v in second.versions(url)] == \
            [(v.number, v.text_sha256, v.captured_at) for v in first.versions(url)]
    with second.session() as s:  # the headers as received, kept through export and import
        stored = [tuple(map(tuple, headers)) for headers in s.scalars(select(Capture.headers).order_by(Capture.id))]
    assert stored == [(("Content-Type", "text/html"), ("X-Served-By", f"edge-{n}"), ("Content-Length", str(size)))
                      for n in (1, 2, 3) for size in (len(_page(n)), len(_page(n)), len(_page(n + 10)))]
    export_warc(second.session, tmp_path / "second.warc.gz")
    assert (tmp_path / "second.warc.gz").read_bytes() == (tmp_path / "first.warc.gz").read_bytes()
    first.engine.dispose()
    second.engine.dispose()


@pytest.mark.slow
def test_corpus_of_the_crawled_sites_is_deduplicated_with_provenance(crawled):
    ws, origin, blog, _ = crawled
    ws.cli("export", "corpus", "-o", "keep.jsonl")
    ws.cli("export", "corpus", "-o", "merged.jsonl", "--copies", "merge")
    keep = [json.loads(line) for line in (ws.dir / "keep.jsonl").read_text().splitlines()]
    merged = [json.loads(line) for line in (ws.dir / "merged.jsonl").read_text().splitlines()]
    seed, copy = origin + "/" + SEED_ORIGIN, blog + "/" + SEED_COPY
    by_url = {r["url"]: r for r in keep}
    assert len(keep) == len(by_url) == len(state(ws.db)["pages"])  # one record per page
    assert (by_url[copy]["source"], by_url[copy]["role"], by_url[copy]["original_url"]) == ("tcttnews", "mirror", seed)
    assert by_url[seed]["copy_urls"] == [copy] and by_url[seed]["original_url"] is None
    assert by_url[origin + "/" + EDITED]["version"] == 2
    assert all(r["extractor"] == "trafilatura" and len(r["text_sha256"]) == 64 and r["captured_at"] for r in keep)
    assert [r["url"] for r in merged] == [r["url"] for r in keep if r["original_url"] is None]
    assert copy not in {r["url"] for r in merged}
    assert {r["url"]: r["copy_urls"] for r in merged}[seed] == [copy]


@pytest.mark.slow
@pytest.mark.parametrize("opening", [
    b"\n\n<!doctype html><html><body><p>An article</p></body></html>\n",  # warcio read past the blank lines
    b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "x.dtd">\n<html><body></body></html>\n',  # as ARC
], ids=["blank lines first", "doctype with five fields"])
def test_an_html_file_is_refused_in_one_line(tmp_path, opening):
    ws = Workspace(tmp_path)
    (tmp_path / "page.html").write_bytes(opening)
    result = ws.run("import", "warc", "page.html", check=False)
    first = next(line for line in opening.decode().splitlines() if line.strip())[:60]
    assert (result.returncode, result.stdout, result.stderr) == (
        1, "", f"Error: page.html: not a WARC file (it starts with {first!r})\n")
    assert not ws.db.exists()
