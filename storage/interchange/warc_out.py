"""WARC export: every stored capture as a ``response`` record, with a ``metadata`` record.

:func:`export_warc` writes one WARC/1.1 file (gzip, one member per record, as
warcio and the usual WARC tools expect) in the order the captures were
recorded:

* a ``warcinfo`` record naming the software and the format;
* per capture that got an HTTP response: a ``response`` record for the page's
  URL at the capture's time, with the raw body from the blob store (empty for
  a 304, a 404 or an error whose body was not kept) and the response headers
  as received (``capture.headers``; for older captures without them,
  Content-Type, ETag and Last-Modified from the capture). The stored body is
  the decoded one, so ``Content-Encoding`` and ``Transfer-Encoding`` are left
  out and ``Content-Length`` is the stored body's length;
* right after it, a ``metadata`` record (``application/json``,
  ``WARC-Concurrent-To`` the response) linking the capture to its page, source
  and version: ``{"mirrorwatch": 1, "source": {"name", "role", "origin"},
  "page_url", "outcome", "version": {"number", "text_sha256", "extractor",
  "extractor_version", "options_hash"} | null}``.

Captures without a response (timeouts, refused connections) have nothing to
write and are counted as skipped. Output is deterministic: record ids are
UUIDv5 of the URL, time and record kind; dates come from the archive.
"""

from __future__ import annotations

import json
import uuid
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from importlib.metadata import PackageNotFoundError, version
from io import BytesIO
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from storage.models import Blob, Capture, Page, Source, Version
from storage.interchange.atomic import written_atomically
from storage.interchange.warc_in import METADATA_TYPE

RECORD_NAMESPACE = uuid.UUID("6f1d3c52-3b8e-5c1e-9a57-6d6972726f72")
_DROPPED_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}
_BATCH = 200


@dataclass(frozen=True)
class WarcExport:
    responses: int
    skipped_no_response: int


def export_warc(session: sessionmaker[Session], path: str | Path, *, sources: Sequence[str] = (),
                since: datetime | None = None, until: datetime | None = None,
                on_record: Callable[[], None] | None = None) -> WarcExport:
    """Write the selected captures to ``path`` (written aside, then moved into place)."""
    path = Path(path)
    query = (
        select(Capture.id, Capture.fetched_at, Capture.status, Capture.outcome, Capture.body_sha256,
               Capture.content_type, Capture.etag, Capture.last_modified, Capture.headers,
               Page.url, Source.name, Source.role, Source.origin,
               Version.number, Version.text_sha256, Version.extractor, Version.extractor_version,
               Version.options_hash)
        .join(Page, Page.id == Capture.page_id)
        .join(Source, Source.id == Page.source_id)
        .outerjoin(Version, Version.id == Capture.version_id)
        .order_by(Capture.id)
    )
    if sources:
        query = query.where(Source.name.in_(sources))
    if since is not None:
        query = query.where(Capture.fetched_at >= since)
    if until is not None:
        query = query.where(Capture.fetched_at < until)
    written = skipped = 0
    with written_atomically(path) as partial, session() as s, partial.open("wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="1.1")
        selected = query.subquery()
        newest = s.scalar(select(func.max(selected.c.fetched_at)))
        writer.write_record(_warcinfo(writer, newest))
        for row in s.execute(query.execution_options(yield_per=_BATCH)):
            if row.status is None:
                skipped += 1
                continue
            body = _body(s, row.body_sha256)
            response = _response(writer, row, body)
            writer.write_record(response)
            writer.write_record(_metadata(writer, row, response.rec_headers.get_header("WARC-Record-ID")))
            written += 1
            if on_record is not None:
                on_record()
    return WarcExport(written, skipped)


def http_headers(row, body: bytes) -> list[tuple[str, str]]:
    """The headers to write: as received, or synthesised; lengths and encodings fit the stored body."""
    if row.headers:
        received = [(str(name), str(value)) for name, value in row.headers]
    else:
        received = [(name, value) for name, value in (("Content-Type", row.content_type), ("ETag", row.etag),
                                                       ("Last-Modified", row.last_modified)) if value]
    kept = [(name, value) for name, value in received if name.lower() not in _DROPPED_HEADERS]
    return [*kept, ("Content-Length", str(len(body)))]


def _response(writer: WARCWriter, row, body: bytes):
    try:
        reason = HTTPStatus(row.status).phrase
    except ValueError:
        reason = "Unknown"
    status = StatusAndHeaders(f"{row.status} {reason}", http_headers(row, body), protocol="HTTP/1.1")
    return writer.create_warc_record(
        row.url, "response", payload=BytesIO(body), length=len(body), http_headers=status,
        warc_headers_dict={"WARC-Record-ID": _record_id(row, "response"), "WARC-Date": _date(row.fetched_at)},
    )


def _metadata(writer: WARCWriter, row, response_id: str):
    version = None
    if row.number is not None:
        version = {"number": row.number, "text_sha256": row.text_sha256, "extractor": row.extractor,
                   "extractor_version": row.extractor_version, "options_hash": row.options_hash}
    payload = json.dumps({
        "mirrorwatch": 1,
        "source": {"name": row.name, "role": row.role, "origin": row.origin},
        "page_url": row.url,
        "outcome": row.outcome,
        "version": version,
    }, sort_keys=True, ensure_ascii=False).encode()
    return writer.create_warc_record(
        row.url, "metadata", payload=BytesIO(payload), length=len(payload), warc_content_type=METADATA_TYPE,
        warc_headers_dict={"WARC-Record-ID": _record_id(row, "metadata"), "WARC-Date": _date(row.fetched_at),
                           "WARC-Concurrent-To": response_id},
    )


def _warcinfo(writer: WARCWriter, newest: datetime | None):
    fields = {"software": f"mirrorwatch/{_version()} (warcio)", "format": "WARC File Format 1.1",
              "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
              "description": "captures of a mirrorwatch archive; each response is followed by a metadata record"}
    payload = "".join(f"{key}: {value}\r\n" for key, value in fields.items()).encode()
    date = _date(newest) if newest else "1970-01-01T00:00:00Z"
    return writer.create_warc_record(
        "", "warcinfo", payload=BytesIO(payload), length=len(payload), warc_content_type="application/warc-fields",
        warc_headers_dict={"WARC-Record-ID": f"<urn:uuid:{uuid.uuid5(RECORD_NAMESPACE, 'warcinfo:' + date)}>",
                           "WARC-Date": date},
    )


def _body(s: Session, sha256: str | None) -> bytes:
    if sha256 is None:
        return b""
    data = s.scalar(select(Blob.data).where(Blob.sha256 == sha256))
    return zlib.decompress(data) if data is not None else b""


def _record_id(row, kind: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(RECORD_NAMESPACE, f'{kind}:{row.url}:{row.fetched_at.isoformat()}')}>"


def _date(when: datetime) -> str:
    return datetime_to_iso_date(when.replace(tzinfo=None), use_micros=True)


def _version() -> str:
    try:
        return version("mirrorwatch")
    except PackageNotFoundError:
        return "dev"
