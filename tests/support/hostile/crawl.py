"""One crawl for the hardening tests: ``python -m tests.support.hostile.crawl DB SOURCES [NAME ...]``.

Runs the real crawl (``crawler.crawl.runner``) with test-sized limits, so that stalls and
oversized bodies end in seconds, and prints each source's stats as JSON.
"""

import json
import resource
import sys

from crawler.crawl.runner import crawl_settings, run_crawl
from crawler.sources import load_sources, select_sources
from tests.bench.measure import own_peak_rss_kib

LIMITS = {
    "DOWNLOAD_TIMEOUT": 3,
    "DOWNLOAD_MAXSIZE": 2 * 1024 * 1024,
    "DOWNLOAD_WARNSIZE": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "RETRY_TIMES": 1,
}


def main(db: str, sources_path: str, names: list[str]) -> None:
    sources = select_sources(load_sources(sources_path), names)
    results = run_crawl(sources, crawl_settings(db=db, sources_path=sources_path, log_level="INFO",
                                                overrides=LIMITS))
    stats = {r.source: {k: str(v) if hasattr(v, "isoformat") else v for k, v in r.stats.items()} for r in results}
    # Peak memory of this process and of the extraction workers (KiB on Linux).
    memory = {"crawler": own_peak_rss_kib(),
              "workers": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}
    print(json.dumps({"stats": stats, "max_rss_kib": memory}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
