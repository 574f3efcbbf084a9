"""Re-extraction, the storage side: which stored bodies to extract again, and recording the result.

After the extractor or its options change, the text of a stored body may come
out differently although the site changed nothing. :func:`stored_bodies`
yields, for each page's current version, the raw body it was last seen with
(the newest capture that led to the version, else the capture that created
it); ``stale_only`` keeps the versions made by another extractor name,
version or options. :func:`record_reextraction` stores a new version only
when the normalised text differs, through the archive's own version path
(change summary, revert detection, copy matching), then marks it
``change_class = "extractor-changed"`` with significance 0: a change of ours,
never an edit by the site. Its capture time is the body's capture time.

Languages: ``stale_only`` also keeps the versions stored without a language (archives from
before languages were detected); when their text comes out the same, the version keeps its
number and gets its language (``storage.text.language``), a missing or region-tagged one only.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from storage.archive.versions import new_version
from storage.archive.write import Writer
from storage.lookup import current_version, is_current
from storage.models import Blob, Capture, Page, Source, Version
from storage.text.classify import ChangeClass
from storage.text.language import primary_subtag, version_language
from storage.text.normalize import text_sha256
from storage.types import Extracted

EXTRACTOR_CHANGED = "extractor-changed"
_BATCH = 200


@dataclass(frozen=True)
class StoredBody:
    """The body behind one page's current version."""

    page_url: str
    source: str
    version_id: int
    capture_id: int
    body: bytes
    content_type: str | None


def stored_bodies(session: sessionmaker[Session], *, sources: Sequence[str] = (), stale_only: bool = True,
                  extractor: tuple[str, str, str] | None = None) -> Iterator[StoredBody]:
    """Current versions' bodies, by source and URL; ``extractor`` is (name, version, options hash)."""
    query = (
        select(Version.id, Version.capture_id, Page.url, Source.name)
        .where(is_current())
        .join(Page, Page.id == Version.page_id)
        .join(Source, Source.id == Page.source_id)
        .order_by(Source.name, Page.url)
    )
    if sources:
        query = query.where(Source.name.in_(sources))
    if stale_only and extractor is not None:
        name, version, options = extractor
        query = query.where(or_(Version.extractor != name, Version.extractor_version != version,
                                Version.options_hash != options, Version.language.is_(None)))
    with session() as s:
        for rows in s.execute(query.execution_options(yield_per=_BATCH)).partitions():
            for version_id, first_capture, url, source in rows:
                found = s.execute(
                    select(Capture.id, Capture.content_type, Blob.data)
                    .join(Blob, Blob.sha256 == Capture.body_sha256)
                    .where(or_(Capture.version_id == version_id, Capture.id == first_capture))
                    .order_by(Capture.fetched_at.desc(), Capture.id.desc())
                    .limit(1)
                ).first()
                if found is not None:
                    yield StoredBody(url, source, version_id, found.id, zlib.decompress(found.data), found.content_type)


def record_reextraction(writer: Writer, body: StoredBody, extracted: Extracted | None) -> str:
    """``new-version``, ``unchanged``, ``no-text``, or ``moved-on`` (the page got a newer version meanwhile)."""
    if extracted is None or not extracted.paragraphs:
        return "no-text"
    digest = text_sha256(extracted.paragraphs)
    with writer.session.begin() as s:
        capture = s.get(Capture, body.capture_id)
        page = s.get(Page, capture.page_id)
        current = current_version(s, page.id)
        if current is None or current.id != body.version_id:
            return "moved-on"
        if current.text_sha256 == digest:
            if current.language is None or primary_subtag(current.language) != current.language:
                current.language = version_language(extracted.language, capture.headers,
                                                    extracted.detected_language) or current.language
            return "unchanged"
        new_version(s, page, capture, current, extracted, digest,
                    change_class=ChangeClass(EXTRACTOR_CHANGED, 0.0, "re-extracted"))
    writer.matched()
    return "new-version"
