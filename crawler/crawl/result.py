"""What one crawl of one source did: its finish reason, its status and its outcome counts.

One definition for ``mirrorwatch crawl --format json`` and for the scheduler, which runs
each crawl as a child process and reads this JSON back from its stdout
(``crawler.monitor.crawl_process``): :func:`as_json` writes it, :func:`from_json` reads it.

    {"sources": [{"source", "finish_reason", "status", "fetched", "new_version", "unchanged",
                  "not_modified", "gone", "error", "blocked", "requests", "other_requests", "over_max_pages",
                  "max_pages_reached", "problem", "app_shells", "suggestion"}], "stats": {source: Scrapy stats}}

``fetched`` counts the pages that got an answer (error captures are in ``error`` only;
``blocked`` the answers that were a bot wall, a block page or the site's error template);
``requests`` every request made, ``other_requests`` those that were not article fetches
(robots.txt, listings, links followed); ``over_max_pages`` the article URLs left out because
``max_pages`` was reached; ``problem`` why the crawl's answers are of no use (the site gave no
answer, every page was blocked, extraction failed for most pages, the database failed), or null.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from storage.archive.runs import (all_blocked, discovery_counts, extraction_problem, finish_status, no_answer,
                                  run_counts)


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
        """Why the crawl got nothing usable: no answer from the site, extraction broken, the database failed."""
        if database := self.stats.get("mirrorwatch/database_error"):
            return f"the crawl stopped: {database}"
        return all_blocked(self.stats) or no_answer(self.stats) or extraction_problem(self.stats)

    def counts(self) -> dict[str, int]:
        return run_counts(self.stats)

    def row(self) -> dict[str, Any]:
        discovery = discovery_counts(self.stats)
        return {"source": self.source, "finish_reason": self.finish_reason, "status": self.status, **self.counts(),
                **discovery, "max_pages_reached": discovery["over_max_pages"] > 0, "problem": self.problem,
                **render_hint(self.stats)}


def render_hint(stats: dict[str, Any]) -> dict[str, Any]:
    """How many pages were application shells, and the suggestion they call for (or null)."""
    shells = stats.get("mirrorwatch/render/app_shells", 0)
    suggestion = (f'{shells} page{"s" if shells != 1 else ""} fetched over HTTP '
                  f'{"are application shells" if shells != 1 else "is an application shell"} '
                  '(the text is built by JavaScript): try render = "browser" for this source')
    return {"app_shells": shells, "suggestion": suggestion if shells else None}


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
