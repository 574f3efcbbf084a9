"""The HTTP responses of the WARC files a scan reads: local files, http(s) URLs, listings.

FastWARC, not warcio (which ``import warc`` uses through ``storage.interchange.warc_in``):
it reads the same records in 0.41 ms a page against warcio's 0.59 (the 181 real pages
of shared/data, gzipped, measured side by side), and reads any stream, so an http(s)
URL is read as it arrives, never stored whole. A stretch that does not parse (garbage
between records, a damaged gzip member) is counted once as ``malformed record`` and read
past: reading resumes at the next gzip member or ``WARC/1.`` line, found among the bytes
kept since the last record began (a URL is never read twice); a record the file ends in is
counted as ``truncated record``. A connection lost (or an HTTP body shorter than its
Content-Length) is no damage of the file: a StorageError, and the file is not noted as scanned.

A response comes out as ``import warc``'s does (``storage.interchange.warc_in.WarcResponse``).

``FILE`` arguments: a path ending in ``.warc`` or ``.warc.gz``, an ``http(s)://`` URL of
one, or any other path, read as a listing of such locations, one a line (as Common Crawl
publishes its ``warc.paths``); relative paths of a listing are read from its folder.
"""

from __future__ import annotations

import gzip
import http.client
import io
import urllib.request
import zlib
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from fastwarc.warc import ArchiveIterator, WarcRecordType

from storage.errors import StorageError
from storage.interchange.warc_in import WarcResponse

_WARC_SUFFIXES = (".warc", ".warc.gz")
_GZIP_MAGIC = b"\x1f\x8b"
_GZIP_MEMBER = b"\x1f\x8b\x08"  # a member's first bytes (deflate): where a record may begin
_RESYNC_CHUNK = 1 << 16


@dataclass
class Counts:
    """Records read, and records skipped by reason."""

    records: int = 0
    skipped: Counter[str] = field(default_factory=Counter)


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def locations(arguments: list[str]) -> list[str]:
    """The WARC files named by the arguments, listings expanded; a StorageError for one that is not there."""
    found: list[str] = []
    for argument in arguments:
        if is_url(argument) or argument.endswith(_WARC_SUFFIXES):
            found.append(argument if is_url(argument) else str(Path(argument).resolve()))
            continue
        listing = Path(argument)
        try:
            lines = listing.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise StorageError(f"{argument}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
        for line in (ln.strip() for ln in lines):
            if line and not line.startswith("#"):
                found.append(line if is_url(line) else str((listing.parent / line).resolve()))
    return found


def size_of(location: str) -> int | None:
    """The size of a local file (None for a URL: it is known once read)."""
    return None if is_url(location) else Path(location).stat().st_size


def check(location: str) -> None:
    """A StorageError unless a local location is a readable WARC file (URLs are checked as read)."""
    if is_url(location):
        return
    with _opened(location) as stream:
        _first_bytes_are_warc(stream, location)


def responses(location: str, counts: Counts) -> Iterator[WarcResponse]:
    """The HTTP responses of one WARC file, in file order; other records are counted, and a
    stretch that does not parse is counted once and read past, to the next record."""
    with _opened(location) as raw:
        stream = _Kept(raw, location)
        marker = _GZIP_MEMBER if stream.head(2) == _GZIP_MAGIC else b"WARC/1."
        first, start = True, 0
        done = counted = None  # where the last record read whole began; that of the last stretch counted
        while True:
            last = None  # where the last record read from ``start`` began
            try:
                for record in ArchiveIterator(stream, parse_http=True):
                    if first and record.record_type == WarcRecordType.unknown:
                        raise StorageError(f"{location}: not a WARC file")
                    first, last = False, record.stream_pos
                    stream.forget_before(last)
                    counts.records += 1
                    response = _response(record, counts)
                    done = last
                    if response is not None:
                        yield response
                break
            except OSError as exc:  # FastWARC's "Invalid WARC header", "Gzip decompression error", ...
                if first:
                    raise StorageError(f"{location}: not a WARC file ({exc})") from None
                if done != counted:  # a stretch past a good record; not the same one found again
                    counts.skipped["malformed record"] += 1
                    counted = done
                if not stream.restart_at(marker, after=start if last is None else last):
                    break
                start = stream.position
        if first:
            raise StorageError(f"{location}: not a WARC file (no record in it)")


def _response(record, counts: Counts) -> WarcResponse | None:
    if record.record_type != WarcRecordType.response:
        if record.record_type != WarcRecordType.warcinfo:
            counts.skipped[f"{record.headers.get('WARC-Type') or record.record_type} record"] += 1
        return None
    url = (record.headers.get("WARC-Target-URI") or "").strip("<> ")
    http = record.http_headers
    if not url.startswith(("http://", "https://")) or http is None or not http.status_code:
        counts.skipped["response that is not an HTTP response"] += 1
        return None
    headers = tuple((str(k), str(v)) for k, v in http.items())
    body = record.reader.read()
    if len(body) < record.content_length:  # the file ends inside the record
        counts.skipped["truncated record"] += 1
        return None
    encoding = next((v.strip().lower() for k, v in headers if k.lower() == "content-encoding"), "")
    if encoding in ("gzip", "x-gzip", "deflate"):
        try:
            body = gzip.decompress(body) if "gzip" in encoding else zlib.decompress(body)
        except (OSError, zlib.error, EOFError):
            counts.skipped["undecodable body"] += 1
            return None
    elif encoding not in ("", "identity"):
        counts.skipped[f"body in {encoding} encoding"] += 1
        return None
    fetched_at = record.record_date or datetime.now(UTC)
    return WarcResponse(url, fetched_at.astimezone(UTC), int(http.status_code), headers, body, record.record_id)


@contextmanager
def _opened(location: str) -> Iterator[BinaryIO]:
    if is_url(location):
        try:
            stream = urllib.request.urlopen(location, timeout=60)  # noqa: S310 (http(s) only, checked)
        except (OSError, ValueError) as exc:
            raise StorageError(f"{location}: cannot fetch: {getattr(exc, 'reason', None) or exc}") from None
    else:
        try:
            stream = open(location, "rb")  # noqa: SIM115 (closed below)
        except OSError as exc:
            raise StorageError(f"{location}: cannot read: {exc.strerror or exc}") from None
    with stream:
        yield stream


class _Kept(io.RawIOBase):
    """A file or an HTTP response as FastWARC reads it, forward only, keeping the chunks read
    since the start of the record being read (:meth:`forget_before`), so that after a record that
    does not parse the next one is found among them and the rest of the stream (:meth:`restart_at`)."""

    def __init__(self, raw: BinaryIO, location: str):
        self.raw, self.location = raw, location
        self.position = 0  # the next byte handed out
        self.chunks: deque[bytes] = deque()  # the bytes read from ``raw`` from offset ``kept_from`` on
        self.kept_from = self.end = 0  # ``end``: just past the last byte read from ``raw``

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer) -> int:
        view, filled = memoryview(buffer).cast("B"), 0
        while filled < len(view):
            if self.position == self.end:  # the usual case: bytes not read yet
                data = self._read(len(view) - filled)
                if not data:
                    break
                self.chunks.append(data)
                self.end += len(data)
                n = len(data)
            else:  # kept bytes handed out again: after head() or restart_at()
                data, at = self._chunk_at(self.position)
                n = min(len(view) - filled, len(data) - at)
                data = data[at:at + n]
            view[filled:filled + n] = data
            filled += n
            self.position += n
        return filled

    def head(self, size: int) -> bytes:
        """The first ``size`` bytes, handed out again from the start after."""
        data = self.read(size)
        self.position = self.kept_from
        return data

    def forget_before(self, offset: int) -> None:
        while self.chunks and self.kept_from + len(self.chunks[0]) <= min(offset, self.position):
            self.kept_from += len(self.chunks.popleft())

    def restart_at(self, marker: bytes, *, after: int) -> bool:
        """Hand out bytes again from the first ``marker`` past offset ``after``; False at the end."""
        data, start = b"".join(self.chunks), max(0, after + 1 - self.kept_from)
        while (found := data.find(marker, start)) < 0:
            more = self._read(_RESYNC_CHUNK)
            if not more:
                return False
            keep = max(start, len(data) - len(marker) + 1)  # no marker before: keep what may begin one
            data, start = data[keep:] + more, 0
            self.kept_from += keep
            self.end += len(more)
        self.kept_from += found
        self.chunks = deque([data[found:]])
        self.position = self.kept_from
        return True

    def _read(self, size: int) -> bytes:
        """From the file or the connection; a failure there (a connection lost) is no malformed record."""
        try:
            data = self.raw.read(size)
        except (OSError, http.client.HTTPException) as exc:
            raise StorageError(f"{self.location}: reading stopped at byte {self.end:,}: "
                               f"{getattr(exc, 'strerror', None) or exc or type(exc).__name__}") from None
        if not data and getattr(self.raw, "length", None):  # an HTTP body ended before its Content-Length
            raise StorageError(f"{self.location}: reading stopped at byte {self.end:,}: the connection closed "
                               f"{self.raw.length:,} bytes before the end")
        return data

    def _chunk_at(self, offset: int) -> tuple[bytes, int]:
        at = offset - self.kept_from
        for chunk in self.chunks:
            if at < len(chunk):
                return chunk, at
            at -= len(chunk)
        raise AssertionError("an offset past the bytes read")


def _first_bytes_are_warc(stream: BinaryIO, location: str) -> None:
    head = stream.read(4096)
    if head.startswith(_GZIP_MAGIC):
        try:
            head = zlib.decompressobj(wbits=31).decompress(head)
        except zlib.error:
            head = b""
    if not head.lstrip().startswith(b"WARC/"):
        raise StorageError(f"{location}: not a WARC file")
