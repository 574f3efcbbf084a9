"""A crawl of the article spider with no archive: ``python -m tests.support.discovery_crawl SOURCES NAME``.

The spider discovers and fetches as in a real crawl, but each article fetch is only noted (no
extraction, no database), so that a test can crawl thousands of local URLs in seconds. Prints
one JSON object: the URLs of the items in the order they came, the crawl's stats, and the
largest number of requests the scheduler held when an item arrived.
"""

from __future__ import annotations

import json
import sys

from crawler.crawl.runner import crawl_settings, run_crawl
from crawler.sources import load_sources

SEEN: dict = {"urls": [], "most_scheduled": 0}


class NotePipeline:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        SEEN["urls"].append(item.url)
        scheduled = len(self.crawler.engine._slot.scheduler)
        SEEN["most_scheduled"] = max(SEEN["most_scheduled"], scheduled)
        return item


def main() -> None:
    path, name = sys.argv[1:3]
    settings = crawl_settings(db="unused.db", sources_path=path, overrides={
        "ITEM_PIPELINES": {f"{__name__}.NotePipeline": 300},
        "EXTENSIONS": {"scrapy.extensions.throttle.AutoThrottle": None},
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    })
    (result,) = run_crawl([load_sources(path)[name]], settings)
    stats = {k: v for k, v in result.stats.items() if isinstance(v, int | float | str)}
    print(json.dumps({**SEEN, "stats": stats}))


if __name__ == "__main__":
    main()
