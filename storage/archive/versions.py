"""A new version of a page: its row, with the change summary, class and significance against its
parent, the version it reverts to, its language and attribution; queued for copy matching in
the same transaction (``storage.copies.queue``). The write path and re-extraction make them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import copies
from storage.copies import queue
from storage.models import Capture, Page, Version
from storage.text.classify import ChangeClass, classify_version
from storage.text.diff import change_summary
from storage.text.language import version_language
from storage.text.normalize import normalize_text
from storage.types import Extracted


def new_version(s: Session, page: Page, capture: Capture, parent: Version | None, extracted: Extracted,
                digest: str, *, change_class: ChangeClass | None = None) -> Version:
    """Store the version ``capture`` brought and queue it for copy matching (``storage.copies.queue``).

    Its change class is computed against ``parent`` unless ``change_class`` says it
    (re-extraction: a change of ours, whatever the words)."""
    reverts_to = None
    if parent is not None:
        earlier = s.scalars(
            select(Version)
            .where(Version.page_id == page.id, Version.text_sha256 == digest)
            .order_by(Version.number.desc())
        )
        # Same text as the parent: only the title changed; a revert must bring the title back too.
        same_text = parent.text_sha256 == digest
        reverts_to = next((v.id for v in earlier if not (same_text and retitled(v, extracted))), None)
    summary = change_summary(parent.paragraphs, extracted.paragraphs) if parent else None
    if parent is not None and change_class is None:
        parent_body = s.scalar(select(Capture.body_sha256).where(Capture.id == parent.capture_id))
        change_class = classify_version(parent, extracted, same_body=parent_body == capture.body_sha256,
                                        reverts=reverts_to is not None)
    version = Version(
        page_id=page.id,
        number=(parent.number + 1) if parent else 1,
        captured_at=capture.fetched_at,
        capture_id=capture.id,
        title=extracted.title,
        author=extracted.author,
        published=extracted.published,
        site_name=extracted.site_name,
        language=version_language(extracted.language, capture.headers, extracted.detected_language),
        canonical_url=extracted.canonical_url,
        text=extracted.text,
        text_sha256=digest,
        extractor=extracted.extractor,
        extractor_version=extracted.extractor_version,
        options_hash=extracted.options_hash,
        parent_id=parent.id if parent else None,
        reverts_to_id=reverts_to,
        change=summary.as_dict() if summary else None,
        change_class=change_class.name if change_class else None,
        significance=change_class.significance if change_class else None,
        attribution=copies.attribution(extracted.paragraphs, extracted.links),
    )
    s.add(version)
    s.flush()
    queue.enqueue(s, version.id)
    return version


def retitled(version, extracted: Extracted) -> bool:
    return normalize_text(version.title or "") != normalize_text(extracted.title or "")
