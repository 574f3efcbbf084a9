"""Corpus export: one record per version (or per page), with provenance, as JSONL or Parquet.

:func:`corpus_records` streams the records of the versions a :class:`CorpusQuery`
selects, ordered by source name, page URL and version number, reading the
database in batches (memory stays flat whatever the archive's size):

* ``latest`` (default) gives each page's current version; otherwise every version.
* filters: source names, captured time (``since`` inclusive, ``until``
  exclusive), languages, a minimum word count.
* ``copies``: ``keep`` every page; ``drop`` the pages that are the copy side of
  a copy link (only originals remain); ``merge`` drops them too and lists their
  URLs on their original's record (``copy_urls``). With ``keep``, a copy's
  record names its original (``original_url``) and an original's lists its
  copies.

Every record has the fields of :data:`FIELDS`, in that order; ``id`` is stable
across archives (a hash of the page URL, the version number and the text
hash). :func:`write_corpus` writes JSONL (gzip when the name ends in ``.gz``)
or Parquet (``pyarrow``, the ``mirrorwatch[parquet]`` extra) to a file aside,
then moves it into place. The same archive gives the same bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from storage.errors import StorageError
from storage.lookup import is_current
from storage.models import CopyLink, Page, Source, Version
from storage.interchange.atomic import written_atomically
from storage.text.language import primary_subtag

COPY_POLICIES = ("keep", "drop", "merge")
FORMATS = ("jsonl", "parquet")
FIELDS = ("id", "url", "source", "role", "title", "author", "published", "language", "text", "words",
          "version", "captured_at", "text_sha256", "extractor", "extractor_version", "extractor_options",
          "original_url", "copy_urls")
BATCH = 500


@dataclass(frozen=True)
class CorpusQuery:
    """Which versions go into the corpus, and what becomes of copies."""

    sources: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    languages: tuple[str, ...] = ()
    min_words: int = 0
    latest: bool = True
    copies: str = "keep"

    def __post_init__(self) -> None:
        if self.copies not in COPY_POLICIES:
            raise StorageError(f"copy policy must be one of {', '.join(COPY_POLICIES)}, not {self.copies!r}")


def record_id(url: str, number: int, text_sha256: str) -> str:
    return hashlib.sha256(f"{url}\n{number}\n{text_sha256}".encode()).hexdigest()[:32]


def corpus_records(session: sessionmaker[Session], query: CorpusQuery) -> Iterator[dict]:
    """The corpus records, in a fixed order (source, URL, version number)."""
    statement = _statement(query)
    with session() as s:
        for rows in s.execute(statement.execution_options(yield_per=BATCH)).partitions():
            links = _links(s, {row.page_id for row in rows})
            for row in rows:
                originals, copies = links.get(row.page_id, ([], []))
                if originals and query.copies != "keep":
                    continue
                words = len(row.text.split())
                if words < query.min_words:
                    continue
                yield {
                    "id": record_id(row.url, row.number, row.text_sha256),
                    "url": row.url,
                    "source": row.source,
                    "role": row.role,
                    "title": row.title,
                    "author": row.author,
                    "published": row.published,
                    "language": row.language,
                    "text": row.text,
                    "words": words,
                    "version": row.number,
                    "captured_at": row.captured_at,
                    "text_sha256": row.text_sha256,
                    "extractor": row.extractor,
                    "extractor_version": row.extractor_version,
                    "extractor_options": row.options_hash,
                    "original_url": originals[0] if originals else None,
                    "copy_urls": copies if query.copies != "drop" else [],
                }


def _statement(query: CorpusQuery):
    statement = (
        select(Version.page_id, Version.number, Version.captured_at, Version.title, Version.author,
               Version.published, Version.language, Version.text, Version.text_sha256, Version.extractor,
               Version.extractor_version, Version.options_hash, Page.url, Source.name.label("source"),
               Source.role)
        .join(Page, Page.id == Version.page_id)
        .join(Source, Source.id == Page.source_id)
        .order_by(Source.name, Page.url, Version.number)
    )
    if query.latest:
        statement = statement.where(is_current())
    if query.sources:
        statement = statement.where(Source.name.in_(query.sources))
    if query.since is not None:
        statement = statement.where(Version.captured_at >= query.since)
    if query.until is not None:
        statement = statement.where(Version.captured_at < query.until)
    if query.languages:
        # Stored languages are primary subtags (storage.text.language): --lang en-US means en.
        wanted = [primary_subtag(lang) or lang.lower() for lang in query.languages]
        statement = statement.where(func.lower(Version.language).in_(wanted))
    return statement


def _links(s: Session, page_ids: set[int]) -> dict[int, tuple[list[str], list[str]]]:
    """For each page: the URLs of its originals (best covered first) and of its copies (sorted)."""
    out: dict[int, tuple[list[str], list[str]]] = {}
    if not page_ids:
        return out
    ids = sorted(page_ids)
    as_copy = s.execute(
        select(CopyLink.copy_page_id, Page.url).join(Page, Page.id == CopyLink.original_page_id)
        .where(CopyLink.copy_page_id.in_(ids)).order_by(CopyLink.coverage.desc(), Page.url))
    for page_id, url in as_copy:
        out.setdefault(page_id, ([], []))[0].append(url)
    as_original = s.execute(
        select(CopyLink.original_page_id, Page.url).join(Page, Page.id == CopyLink.copy_page_id)
        .where(CopyLink.original_page_id.in_(ids)).order_by(Page.url))
    for page_id, url in as_original:
        out.setdefault(page_id, ([], []))[1].append(url)
    return out


# -- writing ------------------------------------------------------------------


def write_corpus(records: Iterable[dict], path: str | Path, *, fmt: str = "jsonl",
                 on_record: Callable[[], None] | None = None) -> int:
    """Write the records to ``path`` (``-`` for stdout, JSONL only); returns how many."""
    if fmt not in FORMATS:
        raise StorageError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if fmt == "parquet":
        _require_pyarrow()
    records = _counted(records, on_record)
    if str(path) == "-":
        if fmt != "jsonl":
            raise StorageError("Parquet cannot go to stdout: give a file with -o")
        return write_jsonl(records, sys.stdout.buffer)
    path = Path(path)
    with written_atomically(path) as partial:
        if fmt == "parquet":
            return write_parquet(records, partial)
        with partial.open("wb") as raw:
            if not path.name.endswith(".gz"):
                return write_jsonl(records, raw)
            # No name and no time in the gzip header: the same corpus gives the same bytes.
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out:
                return write_jsonl(records, out)


def write_jsonl(records: Iterable[dict], out: IO[bytes]) -> int:
    count = 0
    for record in records:
        line = {**record, "captured_at": _iso(record["captured_at"])}
        out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
        count += 1
    return count


def parquet_schema():
    import pyarrow as pa

    string = pa.string()
    types = {"words": pa.int32(), "version": pa.int32(), "captured_at": pa.timestamp("us", tz="UTC"),
             "copy_urls": pa.list_(string)}
    return pa.schema([pa.field(name, types.get(name, string), nullable=name not in ("id", "url", "text"))
                      for name in FIELDS])


def write_parquet(records: Iterable[dict], path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema()
    count = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for batch in _batches(records, BATCH):
            columns = {name: [record[name] for record in batch] for name in FIELDS}
            writer.write_table(pa.Table.from_pydict(columns, schema=schema))
            count += len(batch)
    return count


def _require_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise StorageError("Parquet export needs pyarrow: pip install 'mirrorwatch[parquet]'") from None


def _batches(records: Iterable[dict], size: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for record in records:
        batch.append(record)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _counted(records: Iterable[dict], on_record: Callable[[], None] | None) -> Iterator[dict]:
    for record in records:
        yield record
        if on_record is not None:
            on_record()


def _iso(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


__all__ = ["COPY_POLICIES", "FIELDS", "CorpusQuery", "corpus_records", "parquet_schema", "record_id",
           "write_corpus"]
