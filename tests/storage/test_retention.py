"""Retention (prune) of identical captures: versions and their first captures are kept."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select

from storage.archive.reextract import StoredBody
from storage.models import Blob, Capture, Version
from storage.retention import prune
from tests.support.reextraction import SITE, T0, captures, fetch, old_extraction


def test_prune_keeps_versions_and_their_first_captures(archive):
    day = 24 * 60
    url = f"{SITE}/a.html"
    archive.record(fetch(url, b"<p>v1</p>", 0), old_extraction(["one"]))
    archive.record(fetch(url, b"<p>v1</p>", day), None)  # unchanged, same body
    archive.record(fetch(url, None, 2 * day, status=304))  # not-modified
    archive.record(fetch(url, b"<p>v1 again</p>", 3 * day), old_extraction(["one"]))  # unchanged, other body
    archive.record(fetch(url, None, 4 * day, status=503))  # an error: history, kept
    archive.record(fetch(url, b"<p>v2</p>", 40 * day), old_extraction(["two"]))
    archive.record(fetch(url, b"<p>v2</p>", 50 * day), None)  # unchanged but recent
    other = f"{SITE}/b.html"
    archive.record(fetch(other, b"<p>b</p>", 0), old_extraction(["b"]))
    archive.record(fetch(other, b"<p>b</p>", day), None)
    with archive.session() as s:  # a version re-extracted from b's unchanged capture: that capture stays
        capture = s.scalar(select(Capture).where(Capture.outcome == "unchanged").order_by(Capture.id.desc()))
        version = s.scalar(select(Version).where(Version.page_id == capture.page_id))
        stored = StoredBody(other, "gazette", version.id, capture.id, b"<p>b</p>", None)
    assert archive.record_reextraction(stored, old_extraction(["b, better extracted"])) == "new-version"
    before = captures(archive)
    with archive.session() as s:
        blobs = {b.sha256: len(b.data) for b in s.scalars(select(Blob))}

    dry = prune(archive.session, before=T0 + timedelta(days=35), dry_run=True)
    assert (dry.captures, dry.blobs, dry.dry_run) == (3, 1, True)
    assert captures(archive) == before
    done = prune(archive.session, before=T0 + timedelta(days=35))
    assert (done.captures, done.blobs, done.blob_bytes) == (3, 1, dry.blob_bytes)
    assert done.blob_bytes == blobs[hashlib.sha256(b"<p>v1 again</p>").hexdigest()] > 0
    assert captures(archive) == [("new-version", 0, True), ("new-version", 0, True), ("unchanged", 1, True),
                                 ("error", 4, False), ("new-version", 40, True), ("unchanged", 50, True)]
    assert [v.number for v in archive.versions(url)] == [1, 2]
    assert [v.number for v in archive.versions(other)] == [1, 2]
    with archive.session() as s:  # the body only the pruned capture had is gone, the others remain
        assert len(s.scalars(select(Blob)).all()) == len(blobs) - 1
    assert prune(archive.session, before=T0 + timedelta(days=35)).captures == 0
