"""Read HTTP responses out of WARC files (warcio), counting and skipping what is malformed.

:func:`read_responses` yields one :class:`WarcResponse` per usable ``response``
record, in file order, with the mirrorwatch ``metadata`` record that follows
it when the file was written by ``storage.interchange.warc_out`` (source name and role, the
version the capture led to). Everything else is counted in a
:class:`ReadCounts` under a reason and skipped, never fatal: records of other
types (request, revisit, resource, ...; warcinfo is read past), records with no target URI, bodies
cut short (a truncated gzip member), records that do not parse (garbage
between records), HTTP payloads that are not HTTP. After a record that does
not parse, reading resumes at the next gzip member or ``WARC/`` line.

A file whose first record is not a WARC record is not a WARC file at all: that
is one :class:`~storage.errors.StorageError`, not a count.
"""

from __future__ import annotations

import gzip
import json
import logging
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeadersParserException
from warcio.timeutils import iso_date_to_datetime

from storage.errors import StorageError

log = logging.getLogger(__name__)

METADATA_TYPE = "application/json"
# The errors a broken record raises from warcio or the decompressor under it.
_BROKEN = (ArchiveLoadFailed, StatusAndHeadersParserException, zlib.error, EOFError, ValueError, IndexError)
_GZIP_MAGIC = b"\x1f\x8b\x08"
_RESYNC_CHUNK = 1 << 16
_LOADER = ArcWarcRecordLoader()


@dataclass(frozen=True)
class WarcResponse:
    """One HTTP response as a WARC file holds it (body decoded as a browser would see it)."""

    url: str
    fetched_at: datetime
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    record_id: str | None
    meta: dict | None = None  # the mirrorwatch metadata record about this response, if any

    def header(self, name: str) -> str | None:
        """The last value of a header, by its name in any case, as Scrapy's ``Headers.get`` reads
        it (None when absent or empty)."""
        wanted = name.lower()
        values = [value for key, value in self.headers if key.lower() == wanted]
        return values[-1] if values and values[-1] else None


@dataclass
class ReadCounts:
    """Responses read, and records skipped by reason."""

    responses: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def skip(self, reason: str, where: str) -> None:
        self.skipped[reason] += 1
        log.info("%s: skipped (%s)", where, reason)


def read_responses(path: str | Path, counts: ReadCounts) -> Iterator[WarcResponse]:
    """The usable responses of one WARC file (``.warc`` or ``.warc.gz``), in order."""
    path = Path(path)
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise StorageError(f"{path}: cannot read: {exc.strerror or exc}") from None
    with fh:
        gzipped = fh.read(3) == _GZIP_MAGIC
        fh.seek(0)
        pending: WarcResponse | None = None  # held back for one record: its metadata may follow
        offset, first = 0, True
        while offset is not None:
            fh.seek(offset)
            # HTTP headers are parsed here, record by record: warcio's own parsing stops the
            # whole file at one response without a URI or with a payload that is not HTTP.
            iterator = ArchiveIterator(fh, no_record_parse=True)
            try:
                for record in iterator:
                    first = False
                    response, meta = _parse(record, counts, path)
                    if meta is not None:
                        if pending is not None and meta.get("refers_to") == pending.record_id:
                            pending = replace(pending, meta=meta)
                        else:
                            counts.skip("metadata record without its response", str(path))
                        continue
                    if pending is not None:
                        counts.responses += 1
                        yield pending
                    pending = response
                offset = None
            except _BROKEN as exc:
                if first:
                    raise StorageError(f"{path}: not a WARC file ({_first_line(exc)})") from None
                counts.skip("malformed record", f"{path} at byte {iterator.offset}: {_first_line(exc)}")
                offset = _next_start(fh, iterator.offset + 1, gzipped)
        if first:
            raise StorageError(f"{path}: not a WARC file (no record in it)")
        if pending is not None:
            counts.responses += 1
            yield pending


def check_warc(path: str | Path) -> None:
    """A StorageError unless the file starts with a WARC record (checked before a long import)."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            record = next(iter(ArchiveIterator(fh, no_record_parse=True)))
        if not (record.format.startswith("warc") and record.rec_type):  # warcio reads past blank lines, and ARC
            raise StorageError(f"{path}: not a WARC file (it starts with {_opening(path)!r})")
    except OSError as exc:
        raise StorageError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except StopIteration:
        raise StorageError(f"{path}: not a WARC file (no record in it)") from None
    except _BROKEN as exc:
        raise StorageError(f"{path}: not a WARC file ({_first_line(exc)})") from None


def _opening(path: Path) -> str:
    """The first line with text in it, of the file or of its first gzip member."""
    with path.open("rb") as fh:
        head = fh.read(2)
        fh.seek(0)
        data = (gzip.open(fh) if head == b"\x1f\x8b" else fh).read(4096)
    line = next((ln.strip() for ln in data.splitlines() if ln.strip()), b"")
    return line[:60].decode("utf-8", "replace")


def _parse(record, counts: ReadCounts, path: Path) -> tuple[WarcResponse | None, dict | None]:
    """A response, or the mirrorwatch metadata of one, or (None, None) after counting a skip."""
    headers = record.rec_headers
    kind = record.rec_type
    url = headers.get_header("WARC-Target-URI")
    where = f"{path}: {kind} record {headers.get_header('WARC-Record-ID')}"
    if kind == "metadata" and headers.get_header("Content-Type") == METADATA_TYPE:
        meta = _metadata(record)
        if meta is not None:
            return None, meta
    if kind == "warcinfo":  # describes the file, not a capture
        return None, None
    if kind != "response":
        counts.skip(f"{kind} record", where)
        return None, None
    if not url:
        counts.skip("response with no target URI", where)
        return None, None
    if not url.startswith(("http://", "https://")):
        counts.skip("response for a non-HTTP URI", where)
        return None, None
    try:
        http = _LOADER.load_http_headers("response", url, record.raw_stream, record.length)
        status = int(http.get_statuscode()) if http is not None else 0
    except (*_BROKEN, TypeError):
        http, status = None, 0
    record.http_headers = http  # content_stream() decodes the body by these headers
    if http is None or not 100 <= status <= 599:
        counts.skip("response with no HTTP status line", where)
        return None, None
    try:
        body = record.content_stream().read()
    except _BROKEN as exc:
        counts.skip("unreadable body", f"{where}: {_first_line(exc)}")
        return None, None
    if record.raw_stream.limit > 0:  # the record says it is longer than what could be read
        counts.skip("truncated record", where)
        return None, None
    try:
        fetched_at = iso_date_to_datetime(headers.get_header("WARC-Date"), tz_aware=True)
    except (TypeError, ValueError, AttributeError):
        counts.skip("response with no valid WARC-Date", where)
        return None, None
    return WarcResponse(
        url=url.strip("<> "),  # WARC/1.0 writers sometimes bracket the URI
        fetched_at=fetched_at.astimezone(UTC),
        status=status,
        headers=tuple((str(k), str(v)) for k, v in http.headers),
        body=body,
        record_id=headers.get_header("WARC-Record-ID"),
    ), None


def _metadata(record) -> dict | None:
    try:
        meta = json.loads(record.content_stream().read())
    except (*_BROKEN, UnicodeDecodeError):
        return None
    if not isinstance(meta, dict) or "mirrorwatch" not in meta:
        return None
    meta["refers_to"] = record.rec_headers.get_header("WARC-Concurrent-To")
    return meta


def _next_start(fh: BinaryIO, offset: int, gzipped: bool) -> int | None:
    """Where the next record may start after ``offset``: a gzip member or a ``WARC/`` line."""
    marker = _GZIP_MAGIC if gzipped else b"WARC/1."
    fh.seek(offset)
    carry = b""
    position = offset
    while chunk := fh.read(_RESYNC_CHUNK):
        data = carry + chunk
        found = data.find(marker)
        if found >= 0:
            return position - len(carry) + found
        carry = data[-(len(marker) - 1):]
        position += len(chunk)
    return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]
