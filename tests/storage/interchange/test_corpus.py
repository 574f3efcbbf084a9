"""Corpus export on a small archive: record fields, filters, copy policies, determinism, Parquet."""

from __future__ import annotations

import json
from datetime import timedelta

from storage.interchange.corpus import (
    FIELDS,
    CorpusQuery,
    corpus_records,
    parquet_schema,
    record_id,
    write_corpus,
)
from tests.support.corpus import COPY, CORRECTION, T0, A, B, archive, build  # noqa: F401 (a fixture)
from tests.support.records import ARTICLE


def records(archive, **query) -> list[dict]:
    return list(corpus_records(archive.session, CorpusQuery(**query)))


def keys(rows) -> list[tuple[str, int]]:
    return [(r["url"], r["version"]) for r in rows]


def test_latest_records_carry_provenance_and_copy_links(archive):
    rows = records(archive)
    assert keys(rows) == [(B, 1), (COPY, 1), (A, 2)]  # by source name, then URL
    french, copy, original = rows
    assert list(original) == list(FIELDS)
    text = "\n".join(ARTICLE + [CORRECTION])
    assert original == original | {
        "url": A, "source": "port-news", "role": "origin", "title": "Harbour channel to be deepened",
        "author": "A. Writer", "published": "2026-03-01", "language": "en", "text": text,
        "words": len(text.split()), "version": 2, "captured_at": T0 + timedelta(days=2),
        "extractor": "trafilatura", "extractor_version": "2.3.1", "extractor_options": "test",
        "original_url": None, "copy_urls": [COPY]}
    assert original["id"] == record_id(A, 2, original["text_sha256"]) and len(original["id"]) == 32
    assert (copy["role"], copy["original_url"], copy["copy_urls"]) == ("mirror", A, [])
    assert (french["language"], french["original_url"], french["copy_urls"]) == ("fr", None, [])


def test_all_versions_and_copy_policies(archive):
    assert keys(records(archive, latest=False)) == [(B, 1), (COPY, 1), (A, 1), (A, 2)]
    dropped = records(archive, copies="drop")
    assert keys(dropped) == [(B, 1), (A, 2)] and dropped[1]["copy_urls"] == []
    merged = records(archive, copies="merge")
    assert keys(merged) == [(B, 1), (A, 2)] and merged[1]["copy_urls"] == [COPY]
    assert keys(records(archive, copies="merge", latest=False)) == [(B, 1), (A, 1), (A, 2)]


def test_filters(archive):
    assert keys(records(archive, sources=("port-news", "autre"))) == [(B, 1), (A, 2)]
    assert keys(records(archive, latest=False, since=T0 + timedelta(days=1), until=T0 + timedelta(days=3))) == [
        (COPY, 1), (A, 2)]
    assert keys(records(archive, languages=("FR",))) == [(B, 1)]
    assert keys(records(archive, min_words=20)) == [(COPY, 1), (A, 2)]
    assert records(archive, sources=("nobody",)) == []


def test_jsonl_is_the_same_bytes_for_the_same_archive_built_twice(archive, tmp_path):
    write_corpus(corpus_records(archive.session, CorpusQuery(latest=False)), tmp_path / "one.jsonl")
    write_corpus(corpus_records(archive.session, CorpusQuery(latest=False)), tmp_path / "two.jsonl")
    twin = build(f"sqlite:///{tmp_path / 'twin.db'}")  # the same archive again (SQLite whatever db_url is)
    write_corpus(corpus_records(twin.session, CorpusQuery(latest=False)), tmp_path / "twin.jsonl")
    twin.engine.dispose()
    one = (tmp_path / "one.jsonl").read_bytes()
    assert one == (tmp_path / "two.jsonl").read_bytes() == (tmp_path / "twin.jsonl").read_bytes()
    lines = [json.loads(line) for line in one.decode().splitlines()]
    assert [(r["url"], r["version"]) for r in lines] == [(B, 1), (COPY, 1), (A, 1), (A, 2)]
    assert lines[0]["captured_at"] == "2026-03-04T08:00:00Z"


def test_parquet_schema_and_rows(archive, tmp_path):
    import pyarrow.parquet as pq  # in the test extra: a missing pyarrow fails here, it does not skip
    for name in ("one", "two"):
        assert write_corpus(corpus_records(archive.session, CorpusQuery()), tmp_path / f"{name}.parquet",
                            fmt="parquet") == 3
    assert (tmp_path / "one.parquet").read_bytes() == (tmp_path / "two.parquet").read_bytes()
    table = pq.read_table(tmp_path / "one.parquet")
    assert table.schema.equals(parquet_schema())
    assert [str(table.schema.field(n).type) for n in ("words", "version", "captured_at")] == [
        "int32", "int32", "timestamp[us, tz=UTC]"]
    assert str(table.schema.field("copy_urls").type.value_type) == "string"
    assert [table.schema.field(n).nullable for n in ("id", "url", "text", "title")] == [False, False, False, True]
    rows = table.to_pylist()
    assert rows == records(archive)
