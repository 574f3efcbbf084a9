"""Every fetch of one page, oldest first: what the crawler asked and what came of it.

captures → ``{"url", "gone_at", "captures": [{"fetched_at", "status", "outcome", "error",
"content_type", "size", "version", "run"}]}``

``outcome`` is the capture's (``new-version``, ``unchanged``, ``not-modified``, ``gone``,
``error``); ``error`` the reason a fetch gave no usable page ("HTTP 503", "not an HTML page:
application/pdf", "no main text found", a time-out), None otherwise; ``version`` the number of
the version the capture made or confirmed; ``size`` the raw body's length in bytes, None when
no body was kept.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Blob, Capture, Page, Version


def captures_report(s: Session, page: Page) -> dict:
    rows = s.execute(
        select(Capture.fetched_at, Capture.status, Capture.outcome, Capture.error, Capture.content_type,
               Blob.size, Version.number, Capture.run_id)
        .outerjoin(Blob, Blob.sha256 == Capture.body_sha256)
        .outerjoin(Version, Version.id == Capture.version_id)
        .where(Capture.page_id == page.id)
        .order_by(Capture.fetched_at, Capture.id)
    )
    return {
        "url": page.url,
        "gone_at": page.gone_at.isoformat() if page.gone_at else None,
        "captures": [
            {"fetched_at": fetched_at.isoformat(), "status": status, "outcome": outcome, "error": error,
             "content_type": content_type, "size": size, "version": number, "run": run}
            for fetched_at, status, outcome, error, content_type, size, number, run in rows
        ],
    }
