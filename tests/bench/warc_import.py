"""Throughput of WARC import: the 181 real article pages of ``shared/data/article-pages``.

    python -m tests.bench.warc_import [--workers 1,2]

Writes the pages as WARC response records (at their real URLs, so they fall on
many sources), then imports the file into a fresh SQLite archive once per
worker count, side by side in one run, and prints pages per second, the
speed-up over one worker and the ratio to the extraction ceiling measured in the
same run between the imports (``tests.bench.crawl_speed.extraction_ceiling``:
trafilatura alone with the crawl's options on the same pages, one process per
core; #18's target for the import is at least 0.8 of it).
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import statistics
import tempfile
import time
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.ingest.warc import WarcImporter
from storage.archive import Archive
from tests.bench.crawl_speed import extraction_ceiling

PAGES = Path(__file__).resolve().parents[3] / "shared" / "data" / "article-pages"


def write_warc(path: Path) -> int:
    truth = json.loads((PAGES / "ground-truth.json").read_text(encoding="utf-8"))
    count = 0
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="1.1")
        for n, (key, entry) in enumerate(sorted(truth.items())):
            body = gzip.decompress((PAGES / "html" / f"{key}.html.gz").read_bytes())
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                                  ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                entry["url"], "response", payload=io.BytesIO(body), length=len(body), http_headers=headers,
                warc_headers_dict={"WARC-Date": f"2026-05-01T10:{n // 60:02d}:{n % 60:02d}Z"}))
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,2", help="Worker counts to compare, comma-separated.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mw-bench-import-") as tmp:
        warc = Path(tmp) / "pages.warc.gz"
        pages = write_warc(warc)
        print(f"{pages} real article pages, {warc.stat().st_size / 1e6:.1f} MB of WARC")
        timings, ceilings = {}, []
        for workers in (int(x) for x in args.workers.split(",")):
            ceilings.append(extraction_ceiling(pages))
            print(f"extraction ceiling: {ceilings[-1]:5.1f} pages/s")
            archive = Archive.open(f"sqlite:///{Path(tmp) / f'w{workers}.db'}")
            started = time.perf_counter()
            result = WarcImporter(archive, workers=workers).run([warc]).as_dict()
            seconds = time.perf_counter() - started
            timings[workers] = seconds
            archive.engine.dispose()
            print(f"{workers} worker(s): {seconds:6.2f} s, {pages / seconds:5.1f} pages/s; outcomes {result['outcomes']},"
                  f" skipped {result['skipped_total']}, {len(result['sources_created'])} sources created")
        ceiling = statistics.median(ceilings)
        base = min(timings)
        for workers, seconds in sorted(timings.items()):
            print(f"speed-up with {workers} worker(s) over {base}: {timings[base] / seconds:.2f}x; "
                  f"{pages / seconds / ceiling:.2f}x the ceiling ({ceiling:.1f} pages/s, median of {len(ceilings)})")


if __name__ == "__main__":
    main()
