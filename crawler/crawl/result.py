"""What one crawl of one source did: its finish reason, its status and its outcome counts.

One definition for ``mirrorwatch crawl --format json`` and for the scheduler, which runs
each crawl as a child process and reads this JSON back from its stdout
(``crawler.monitor.crawl_process``): :func:`as_json` writes it, :func:`from_json` reads it.

    {"sources": [{"source", "finish_reason", "status", "fetched", "new_version", "unchanged",
                  "not_modified", "gone", "error"}], "stats": {source: Scrapy stats}}
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from storage.archive.runs import extraction_problem, finish_status, run_counts


@dataclass(frozen=True)
class CrawlResult:
    source: str
    finish_reason: str | None
    stats: dict[str, Any]

    @property
    def status(self) -> str:
        return finish_status(self.finish_reason)

    @property
    def run_id(self) -> int | None:
        return self.stats.get("mirrorwatch/run_id")

    @property
    def problem(self) -> str | None:
        """Why the crawl's answers could not be used although it finished (extraction broken)."""
        return extraction_problem(self.stats)

    def counts(self) -> dict[str, int]:
        return run_counts(self.stats)

    def row(self) -> dict[str, Any]:
        return {"source": self.source, "finish_reason": self.finish_reason, "status": self.status, **self.counts()}


def as_json(results: list[CrawlResult]) -> dict[str, Any]:
    return {"sources": [r.row() for r in results],
            "stats": {r.source: {k: _jsonable(v) for k, v in sorted(r.stats.items())} for r in results}}


def from_json(text: str) -> list[CrawlResult]:
    """The results a crawl printed; empty when it printed none (it died first)."""
    try:
        data = json.loads(text)
        return [CrawlResult(row["source"], row.get("finish_reason"), data["stats"].get(row["source"], {}))
                for row in data["sources"]]
    except (ValueError, KeyError, TypeError, AttributeError):
        return []


def _jsonable(value):
    return value.isoformat() if hasattr(value, "isoformat") else value
