"""How app-shell detection (``crawler.extract.shell``) does on real pages: the 181 article pages
and the WCXB dev set (its ``spa`` flag says which pages are built by JavaScript).

Each page is checked twice: by the detector alone (no extraction: the strictest case) and as the
crawl asks it, after extraction (only a page with at most 200 characters of main text is checked).

    python -m tests.bench.shell_eval
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

from crawler.extract.shell import shell_reason
from crawler.extract.extractor import extract

DATA = Path("/work/shared/data")


def pages():
    """(set, page id, is SPA, page type, HTML bytes) of every page."""
    for path in sorted((DATA / "article-pages/html").iterdir()):
        yield "article-pages", path.stem, False, "article", path.read_bytes()
    meta = json.loads((DATA / "wcxb-dev/metadata.json").read_text())["files"]
    for key, info in sorted(meta.items()):
        path = DATA / f"wcxb-dev/html/{key}.html.gz"
        if path.exists():
            yield "wcxb-dev", key, info["spa"], info["page_type"], gzip.decompress(path.read_bytes())


def main() -> None:
    counts: Counter = Counter()
    for name, key, spa, kind, body in pages():
        group = f"{name} {'spa' if spa else 'not spa'} {kind if name == 'wcxb-dev' and not spa else ''}".strip()
        counts[(group, "pages")] += 1
        if shell_reason(body, None):
            counts[(group, "detector alone")] += 1
        try:
            extracted = extract(body, url=f"https://example.org/{key}")
        except Exception:
            extracted = None
        if shell_reason(body, extracted):
            counts[(group, "as the crawl checks")] += 1
    for group in sorted({g for g, _ in counts}):
        print(f"{group:36} pages {counts[(group, 'pages')]:4}  shells: detector alone "
              f"{counts[(group, 'detector alone')]:3}, as the crawl checks {counts[(group, 'as the crawl checks')]:3}")


if __name__ == "__main__":
    main()
