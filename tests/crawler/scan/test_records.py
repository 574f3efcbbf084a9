"""What `mirrorwatch scan` reads of a WARC file: response records, and every other kind counted by name."""

from __future__ import annotations

from io import BytesIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.scan.records import Counts, responses

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
