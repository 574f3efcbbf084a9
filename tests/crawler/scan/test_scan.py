"""`mirrorwatch scan` on a WARC of real unrelated pages plus planted copies of archived articles."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from crawler.cli import cli
from crawler.scan.scanner import Scanner
from storage.archive import Archive
from storage.models import CopyLink, Page, ScannedFile, Source
from tests.crawler.scan.planted import (EXPECTED_RELATION, KINDS, ORIGIN, archive_articles, articles, damaged, plant,
                                        record_offsets, unrelated, write_warc)

ARCHIVED = 40
UNRELATED = 300


@pytest.fixture(scope="module")
def scan_input(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The WARC (unrelated real pages, planted copies, two pages of the configured source) and
    the planted copies' URLs → kind."""
    chosen = articles(ARCHIVED)
    planted = {f"https://copies-{n}.example.net/news/{kind}.html": kind for n, kind in enumerate(KINDS)}
    pages = [(f"https://site-{n % 37}.example.org/page/{n}.html", body) for n, body in enumerate(unrelated(UNRELATED))]
    for n, (url, kind) in enumerate(planted.items()):
        pages.insert(50 * n + 7, (url, plant(chosen[n], kind, site=n)[1]))
    pages.append((f"{ORIGIN}/new/elsewhere.html", plant(chosen[5], "retitled", site=9)[1]))
    pages.append((f"{ORIGIN}/new/other.html", next(unrelated(1))))
    path = tmp_path_factory.mktemp("scan") / "crawl.warc.gz"
    write_warc(path, pages)
    return path, planted


@pytest.fixture
def scan_archive(db_url) -> Archive:
    archive = Archive.open(db_url)
    archive_articles(archive, articles(ARCHIVED))
    yield archive
    archive.engine.dispose()


@pytest.fixture
def workers(monkeypatch):
    monkeypatch.setenv("MIRRORWATCH_EXTRACT_WORKERS", "1")


def _links(archive: Archive) -> dict[str, tuple[str, str, str]]:
    """copy URL → (original URL, relation, reason), for every stored link."""
    with archive.session() as s:
        original, copy = select(Page.url).where(Page.id == CopyLink.original_page_id).scalar_subquery(), \
            select(Page.url).where(Page.id == CopyLink.copy_page_id).scalar_subquery()
        return {c: (o, r, why) for o, c, r, why in s.execute(
            select(original, copy, CopyLink.relation, CopyLink.original_reason))}


def test_scan_records_exactly_the_planted_copies_on_discovered_sources(scan_archive, scan_input, workers):
    warc, planted = scan_input
    archived_urls = {n: f"{ORIGIN}/{a.key[:12]}/0.html" for n, a in enumerate(articles(ARCHIVED))}
    result = Scanner(scan_archive, configured=[ORIGIN], workers=1).run([str(warc)]).as_dict()

    assert result["records"] == UNRELATED + len(planted) + 2
    assert result["html_pages"] == UNRELATED + len(planted) + 2
    assert result["left_to_import"] == 2
    assert result["matched_pages"] == result["recorded"] == len(planted)
    assert result["matches"] == dict(Counter(EXPECTED_RELATION[k] for k in planted.values()))
    assert {h["host"] for h in result["hosts"]} == {f"copies-{n}.example.net" for n in range(len(KINDS))}
    assert result["candidates"] >= len(planted)
    links = _links(scan_archive)
    assert links == {url: (archived_urls[n], EXPECTED_RELATION[kind], "source role")
                     for n, (url, kind) in enumerate(planted.items())}
    with scan_archive.session() as s:
        assert s.scalar(select(func.count(Page.id))) == ARCHIVED + len(planted)  # non-matches are not stored
        found = s.execute(select(Source.name, Source.role, Source.discovered).where(Source.name != "gazette")).all()
    assert sorted(found) == sorted((f"copies-{n}.example.net", "mirror", True) for n in range(len(KINDS)))
    assert [s["promote"] for s in result["sources_created"]][0] == \
        "mirrorwatch sources add copies-0.example.net https://copies-0.example.net/ --role mirror"


def test_a_damaged_record_is_counted_and_the_copies_after_it_are_still_found(scan_archive, scan_input, workers,
                                                                              tmp_path):
    warc, planted = scan_input
    starts = record_offsets(warc)
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(damaged(warc.read_bytes(), starts[3], starts[4]))  # before every planted copy
    out = CliRunner().invoke(cli, ["--db", scan_archive.url, "--sources", str(tmp_path / "none.toml"),
                                   "scan", str(broken), "--format", "json"])
    assert out.exit_code == 0, out.output
    result = json.loads(out.output)
    assert result["skipped"]["malformed record"] == 1
    assert result["html_pages"] == UNRELATED + len(planted) + 2 - 1
    assert result["recorded"] == len(planted)
    assert set(_links(scan_archive)) == set(planted)


def test_a_scanned_file_is_skipped_next_time_and_read_again_with_again(sqlite_url, scan_input, workers):
    warc, planted = scan_input
    archive = Archive.open(sqlite_url)
    archive_articles(archive, articles(ARCHIVED))
    first = Scanner(archive, configured=[ORIGIN], workers=1).run([str(warc)]).as_dict()
    again = Scanner(archive, configured=[ORIGIN], workers=1).run([str(warc)]).as_dict()
    assert (first["recorded"], first["files"], first["files_skipped"]) == (len(planted), [str(warc)], [])
    assert (again["records"], again["files"], again["files_skipped"]) == (0, [], [str(warc)])
    rescan = Scanner(archive, configured=[ORIGIN], workers=1, again=True).run([str(warc)]).as_dict()
    assert rescan["files"] == [str(warc)] and rescan["records"] == first["records"]
    assert rescan["matched_pages"] == len(planted) and rescan["recorded"] == 0
    assert rescan["skipped"]["already recorded"] == len(planted)
    with archive.session() as s:
        assert s.scalar(select(func.count(Page.id))) == ARCHIVED + len(planted)
        row = s.scalar(select(ScannedFile))
        assert (row.location, row.size, row.summary["recorded"]) == (str(warc), warc.stat().st_size, 0)
    archive.engine.dispose()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _serve(folder: Path):
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_scan_command_streams_an_http_url_and_reads_a_listing(sqlite_url, scan_input, workers, tmp_path):
    warc, planted = scan_input
    archive = Archive.open(sqlite_url)
    archive_articles(archive, articles(ARCHIVED))
    archive.engine.dispose()
    server = _serve(warc.parent)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/{warc.name}"
        listing = tmp_path / "warc.paths"
        listing.write_text(f"# one a line\n{url}\n")
        out = CliRunner().invoke(cli, ["--db", sqlite_url, "--sources", str(tmp_path / "none.toml"),
                                       "scan", str(listing), "--format", "json"])
    finally:
        server.shutdown()
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["files"] == [url]
    assert data["recorded"] == len(planted)
    # Without a sources file the archive's own source is still left to `import warc`.
    assert data["left_to_import"] == 2
    assert data["index"]["archived_pages"] == ARCHIVED and data["index"]["bytes"] > 0


@pytest.mark.parametrize("make, message", [
    (lambda d: d / "missing.warc.gz", "missing.warc.gz: cannot read: No such file or directory"),
    (lambda d: (d / "notes.warc").write_text("hello\n") and d / "notes.warc", "notes.warc: not a WARC file"),
])
def test_bad_files_are_one_line_and_exit_1(sqlite_url, tmp_path, make, message):
    path = make(tmp_path)
    out = CliRunner().invoke(cli, ["--db", sqlite_url, "scan", str(path)])
    assert out.exit_code == 1
    assert out.output.strip().splitlines() == [f"Error: {path.parent}/{message}"]


def test_scan_without_an_archive_is_one_line(tmp_path, scan_input):
    out = CliRunner().invoke(cli, ["--db", str(tmp_path / "none.db"), "scan", str(scan_input[0])])
    assert out.exit_code == 1
    assert out.output.strip().splitlines()[0].startswith("Error: no archive at ")
    assert not (tmp_path / "none.db").exists()
