"""Real pages for scans: archived articles, unrelated real pages, and planted copies under foreign templates.

* :func:`articles`: the articles of ``shared/data/article-pages`` (URL, title, paragraphs of
  the ground truth), recorded into an archive by :func:`archive_articles` as versions of an
  ``origin`` source (the ground truth stands in for extraction: fast, and exact);
* :func:`unrelated`: real pages of ``shared/data/wcxb-dev`` (products, forums, articles of
  1,295 domains), served at new URLs: what a web crawl mostly holds;
* :data:`KINDS` and :func:`plant`: a copy of an article on another site's template, as a
  whole (``retitled``), with curly quotes (``cosmetic``), three paragraphs of it (``excerpt``),
  or with every third paragraph reworded (``edited``);
* :func:`write_warc`: response records (warcio, the way other tools write them).
"""

from __future__ import annotations

import gzip
import html
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storage.archive import Archive
from storage.types import Extracted, Fetch

DATA = Path(__file__).resolve().parents[4] / "shared" / "data"
T0 = datetime(2026, 11, 1, 8, tzinfo=UTC)
ORIGIN = "http://127.0.0.1:9"
KINDS = ("retitled", "cosmetic", "excerpt", "edited")
# A whole copy under another title and byline: short lines added, so "cosmetic" (storage.copies.relation).
EXPECTED_RELATION = {"retitled": "cosmetic", "cosmetic": "cosmetic", "excerpt": "excerpt", "edited": "edited"}


@dataclass(frozen=True)
class Article:
    key: str
    url: str
    title: str
    paragraphs: tuple[str, ...]


def articles(limit: int | None = None, *, min_paragraphs: int = 6) -> list[Article]:
    truth = json.loads((DATA / "article-pages" / "ground-truth.json").read_text(encoding="utf-8"))
    found = []
    for key, entry in sorted(truth.items()):
        paragraphs = tuple(p.strip() for p in entry["articleBody"].split("\n") if len(p.split()) >= 8)
        if len(paragraphs) >= min_paragraphs:
            found.append(Article(key, entry["url"], entry.get("headline") or paragraphs[0][:60], paragraphs))
    return found[:limit]


def archive_articles(archive: Archive, chosen: Iterable[Article], *, source: str = "gazette",
                     origin: str = ORIGIN, copies: int = 1) -> list[str]:
    """Record each article as a page of ``source`` (``copies`` URLs each); returns the URLs."""
    archive.ensure_source(source, role="origin", origin=origin)
    urls = []
    for n, article in enumerate(chosen):
        for c in range(copies):
            url = f"{origin}/{article.key[:12]}/{c}.html"
            extracted = Extracted(article.title, None, "2026-10-01", "Gazette", "en", None, article.paragraphs,
                                  "trafilatura", "test", "test")
            archive.record(Fetch(source=source, url=url, fetched_at=T0 + timedelta(seconds=n), status=200,
                                 body=f"<p>{article.key}:{c}</p>".encode()), extracted)
            urls.append(url)
    return urls


def unrelated(limit: int, *, start: int = 0) -> Iterator[bytes]:
    """Bodies of real pages (any kind), in file order, from ``start``."""
    files = sorted((DATA / "wcxb-dev" / "html").glob("*.html.gz"))[start:start + limit]
    for path in files:
        yield gzip.decompress(path.read_bytes())


def plant(article: Article, kind: str, *, site: int) -> tuple[str, bytes]:
    """A copy of ``article`` of one of :data:`KINDS`, as the HTML of a foreign template (its title, body)."""
    paragraphs = list(article.paragraphs)
    title = article.title
    if kind == "retitled":
        title = f"Must read: {title}"
    elif kind == "cosmetic":  # two paragraphs merged, straight quotes made curly: nothing a reader sees
        paragraphs = [f"{paragraphs[0]} {paragraphs[1]}", *paragraphs[2:]]
        paragraphs = [p.replace("'", "\u2019").replace('"', "\u201d") for p in paragraphs]
    elif kind == "excerpt":
        paragraphs = paragraphs[1:4]
    elif kind == "edited":
        paragraphs = [_reworded(p) if i % 3 == 1 else p for i, p in enumerate(paragraphs)]
    return title, _template(title, paragraphs, site)


def _reworded(paragraph: str) -> str:
    words = paragraph.split(" ")
    middle = len(words) // 2
    return " ".join([*words[:middle], "reportedly", "indeed", *words[middle + 1:]])


def _template(title: str, paragraphs: list[str], site: int) -> bytes:
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} | Site {site}</title>
<style>body{{font-family:serif}}</style><script>window.track = {{site: {site}}};</script></head>
<body><header><nav><a href="/">Home</a> <a href="/world/">World</a> <a href="/about/">About us</a></nav></header>
<main><article><h1>{html.escape(title)}</h1><p class="byline">Posted by the editors of site {site}</p>
{body}
</article><aside><h2>Popular now</h2><ul><li><a href="/a/">Ten tips for a better garden this spring</a></li>
<li><a href="/b/">Why the local team keeps losing at home</a></li></ul></aside></main>
<footer><p>Copyright 2026 Site {site}. All rights reserved. Subscribe to our newsletter.</p></footer></body></html>""".encode()


def write_warc(path: Path, responses: Iterable[tuple[str, bytes]], *, at: datetime = T0 + timedelta(days=20)) -> int:
    """Write (url, body) pairs as gzipped WARC response records; returns how many."""
    count = 0
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="1.1")
        for url, body in responses:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                                  ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            when = (at + timedelta(seconds=count)).strftime("%Y-%m-%dT%H:%M:%SZ")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                                          http_headers=headers, warc_headers_dict={"WARC-Date": when}))
            count += 1
    return count


def record_offsets(path: Path) -> list[int]:
    """Where each record of a WARC file begins (a gzip member's first byte in a ``.warc.gz``)."""
    from fastwarc.warc import ArchiveIterator

    with path.open("rb") as stream:
        return [record.stream_pos for record in ArchiveIterator(stream, parse_http=False)]


def damaged(data: bytes, start: int, end: int) -> bytes:
    """``data`` with 64 bytes in the middle of ``start``..``end`` inverted: a record (in a gzip
    member: its compressed data) that no longer decodes, as a bad disk or a cut download leaves one."""
    middle = (start + end) // 2
    return data[:middle] + bytes(b ^ 0xFF for b in data[middle:middle + 64]) + data[middle + 64:]
