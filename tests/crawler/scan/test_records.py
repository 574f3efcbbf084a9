"""What `mirrorwatch scan` reads of a WARC file: response records, and every other kind counted by name."""

from __future__ import annotations

import gzip
import http.server
import threading
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.cli import cli
from crawler.scan.records import Counts, responses
from storage.archive import Archive
from storage.models import ScannedFile
from tests.crawler.scan.planted import damaged, record_offsets, unrelated, write_warc

PAGE = b"<html><head><title>T</title></head><body><p>An article of the archive.</p></body></html>"


def _warc(path) -> None:
    """A WARC as `mirrorwatch export warc` writes one: warcinfo, then a response and its metadata."""
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record("x.warc.gz", {"software": "test"}))
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("http://127.0.0.1:9/a.html", "response",
                                                      payload=BytesIO(PAGE), http_headers=http))
        writer.write_record(writer.create_warc_record("http://127.0.0.1:9/a.html", "metadata",
                                                      payload=BytesIO(b"via: test\r\n"),
                                                      warc_content_type="application/warc-fields"))


def test_metadata_records_are_counted_by_their_type_and_the_response_is_read(tmp_path):
    path = tmp_path / "export.warc.gz"
    _warc(path)
    counts = Counts()
    pages = list(responses(str(path), counts))
    assert [(p.url, p.body) for p in pages] == [("http://127.0.0.1:9/a.html", PAGE)]
    assert counts.records == 3
    assert dict(counts.skipped) == {"metadata record": 1}


URLS = [f"https://site-{n}.example.org/page.html" for n in range(8)]


@pytest.fixture(scope="module")
def real_warc(tmp_path_factory) -> tuple[Path, list[int]]:
    """Eight real pages of shared/data/wcxb-dev as a gzipped WARC, and where each record begins."""
    path = tmp_path_factory.mktemp("warc") / "real.warc.gz"
    write_warc(path, zip(URLS, unrelated(len(URLS))))
    return path, record_offsets(path)


def _read(path: Path) -> tuple[list[str], Counts]:
    counts = Counts()
    return [r.url for r in responses(str(path), counts)], counts


def test_a_damaged_gzip_member_and_garbage_between_members_are_counted_and_read_past(real_warc, tmp_path):
    path, starts = real_warc
    data = damaged(path.read_bytes(), starts[3], starts[4])  # the fourth record no longer decompresses
    data = data[:starts[6]] + b"<html>not a record</html>\n" * 40 + data[starts[6]:]  # junk before the seventh
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(data)
    urls, counts = _read(broken)
    assert urls == URLS[:3] + URLS[4:]
    assert dict(counts.skipped) == {"malformed record": 2}


def test_garbage_between_records_of_an_uncompressed_warc_is_read_past(real_warc, tmp_path):
    path, _ = real_warc
    plain = gzip.decompress(path.read_bytes())
    third = plain.index(b"WARC/1.1\r\n", plain.index(URLS[2].encode()))
    broken = tmp_path / "broken.warc"
    broken.write_bytes(plain[:third] + b"this line is no WARC header\r\n\r\n" + plain[third:])
    urls, counts = _read(broken)
    assert urls == URLS
    assert dict(counts.skipped) == {"malformed record": 1}


def test_a_file_cut_inside_its_last_record_counts_it_truncated(real_warc, tmp_path):
    path, _ = real_warc
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(path.read_bytes()[:-40])
    urls, counts = _read(cut)
    assert urls == URLS[:-1]
    assert dict(counts.skipped) == {"truncated record": 1}


class _CutShort(http.server.BaseHTTPRequestHandler):
    """Serves the file it is given, but the connection ends half-way through the body."""

    body = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body[:len(self.body) // 2])
        self.close_connection = True

    def log_message(self, *args) -> None:
        pass


def test_a_connection_lost_mid_file_is_one_line_and_the_file_is_not_marked_scanned(real_warc, sqlite_url):
    path, _ = real_warc
    handler = type("Handler", (_CutShort,), {"body": path.read_bytes()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/real.warc.gz"
    try:
        out = CliRunner().invoke(cli, ["--db", sqlite_url, "scan", url])
    finally:
        server.shutdown()
    assert out.exit_code == 1
    lines = out.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {url}: reading stopped at byte "), out.output
    archive = Archive.open(sqlite_url)
    with archive.session() as s:
        assert s.scalar(select(func.count(ScannedFile.id))) == 0  # read again by the next scan
    archive.engine.dispose()
