"""History and diff reports of one page.

history → ``{"url", "gone_at", "versions": [{"number", "captured_at", "title", "language", "text_sha256",
"change", "change_class", "significance", "reverts_to"}]}``; ``gone_at`` is when the page last
went away (404/410), None while it is there; ``change_class`` and ``significance`` are
``storage.text.classify``'s verdict, None for a first version.
diff    → ``storage.reports.diff`` (paragraphs with word marks, the title, where a cut text ends)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from storage.errors import StorageError
from storage.models import Version
from storage.reports.diff import version_diff


def history_report(url: str, versions: Sequence[Version], *, gone_at: datetime | None = None) -> dict:
    numbers = {v.id: v.number for v in versions}
    return {
        "url": url,
        "gone_at": gone_at.isoformat() if gone_at else None,
        "versions": [
            {
                "number": v.number,
                "captured_at": v.captured_at.isoformat(),
                "title": v.title,
                "language": v.language,
                "text_sha256": v.text_sha256,
                "change": v.change,
                "change_class": v.change_class,
                "significance": v.significance,
                "reverts_to": numbers.get(v.reverts_to_id),
            }
            for v in versions
        ],
    }


def diff_report(url: str, versions: Sequence[Version], from_: int | None, to: int | None) -> dict:
    by_number = {v.number: v for v in versions}
    if not by_number:
        raise StorageError(f"{url}: no versions stored yet")
    to = max(by_number) if to is None else to
    from_ = (to - 1) if from_ is None else from_
    for n in (from_, to):
        if n not in by_number:
            known = ", ".join(str(k) for k in sorted(by_number))
            raise StorageError(f"{url}: no version {n} (versions: {known})")
    return version_diff(url, by_number[from_], by_number[to])
