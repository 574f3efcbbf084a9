"""One writer for the concurrency test: ``python -m tests.support.writer_process DB_URL NAME START``.

Waits until START (a Unix time) so that the writers begin together, then records the
shared pages (the same URLs and bodies as every other writer) and pages of its own.
"""

import sys
import time
from datetime import UTC, datetime

from storage.archive import Archive
from storage.types import Extracted, Fetch

SHARED, OWN = 40, 15
SITE = "http://127.0.0.1:9301"


def paragraphs(n: int) -> tuple[str, ...]:
    return (f"Article {n} reports on the harbour works, part {n}, with figures for the week.",
            f"The second paragraph of article {n} quotes the port authority about the dredging schedule.")


def main(db_url: str, name: str, start: float) -> None:
    archive = Archive.open(db_url)
    archive.ensure_source("shared-site", role="origin", origin=SITE)
    time.sleep(max(0.0, start - time.time()))
    for n in range(SHARED):
        record(archive, f"{SITE}/shared/{n}.html", n)
    for n in range(OWN):
        record(archive, f"{SITE}/{name}/{n}.html", 1000 + n)


def record(archive: Archive, url: str, n: int) -> None:
    extracted = Extracted(f"Article {n}", None, None, None, "en", None, paragraphs(n), "trafilatura", "2.3.1", "t")
    archive.record(Fetch("shared-site", url, datetime.now(UTC), 200, f"<html>{n}</html>".encode()), extracted)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]))
