"""Local sites for the tests: a folder of pages served by the demo's static server."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from crawler.demo.server import SiteServer


def article_html(title: str, paragraphs: list[str], *, canonical: str | None = None,
                 links: list[str] = ()) -> str:
    """A realistic article page: the text inside page furniture."""
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    link_html = "".join(f'<li><a href="{html.escape(u)}">related</a></li>' for u in links)
    head_canonical = f'<link rel="canonical" href="{html.escape(canonical)}">' if canonical else ""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)}</title>{head_canonical}</head><body>
<header><nav><a href="/">Home</a> <a href="/about.html">About us</a> <a href="/contact.html">Contact</a></nav></header>
<main><article><h1>{html.escape(title)}</h1>
{body}
</article>
<aside><h3>Share this article</h3><ul>{link_html}</ul></aside></main>
<footer><p>Copyright 2026 Test Gazette. All rights reserved.</p></footer>
</body></html>"""


PARAGRAPHS = [
    "The city council voted on Tuesday to extend the tram line to the northern districts, ending a debate that had lasted almost a decade.",
    "Supporters said the extension would cut commuting times by a third for some forty thousand residents who now rely on crowded buses.",
    "Opponents warned that the cost estimate of 310 million euros was optimistic and that construction would disrupt local shops for years.",
    "The first trams are expected to run on the new section in the spring of 2029, according to the transport authority.",
]


@dataclass
class Site:
    """A local site in its own folder: write pages, serve, crawl, edit, crawl again."""

    root: Path
    server: SiteServer

    @property
    def url(self) -> str:
        return self.server.url

    def write(self, path: str, content: str) -> None:
        file = self.root / path.lstrip("/")
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(content, encoding="utf-8")

    def remove(self, path: str) -> None:
        (self.root / path.lstrip("/")).unlink()

    def article(self, path: str, title: str, paragraphs: list[str], **kw) -> None:
        self.write(path, article_html(title, paragraphs, **kw))

    def index(self, *paths: str, extra: str = "") -> None:
        links = "".join(f'<li><a href="{p}">{p}</a></li>' for p in paths)
        self.write("index.html", f"<html><body><nav><a href='/'>Home</a></nav><ul>{links}</ul>{extra}</body></html>")
