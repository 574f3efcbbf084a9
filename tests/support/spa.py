"""A local site whose articles are built in the browser from a JSON endpoint: the HTML is an
application shell (``<div id="root">`` and a script); the text is only in ``/api/<slug>.json``."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.support.databases import IN_CI
from tests.support.sites import Site

APP_JS = """
const slug = location.pathname.split('/').pop().replace('.html', '');
fetch('/api/' + slug + '.json').then(r => { if (!r.ok) throw new Error(r.status); return r.json(); }).then(d => {
  document.title = d.title;
  const article = document.createElement('article');
  const h1 = document.createElement('h1');
  h1.textContent = d.title;
  article.appendChild(h1);
  for (const text of d.paragraphs) {
    const p = document.createElement('p');
    p.textContent = text;
    article.appendChild(p);
  }
  document.getElementById('root').replaceChildren(article);
});
"""


def shell_html(rev: int = 1) -> str:
    """The page every article URL answers: its text is absent (``rev`` stands for the data
    revision such pages carry in their HTML, e.g. a build id or a versioned script URL)."""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Loading…</title></head><body>
<header><nav><a href="/">Home</a></nav></header>
<div id="root"><p class="spinner">Loading…</p></div>
<script src="/app.js?rev={rev}"></script>
</body></html>"""


def spa_article(site: Site, slug: str, title: str, paragraphs: list[str], *, rev: int = 1) -> None:
    site.write("app.js", APP_JS)
    site.write(f"articles/{slug}.html", shell_html(rev))
    site.write(f"api/{slug}.json", json.dumps({"title": title, "paragraphs": paragraphs}))


def json_hits(site: Site, slug: str) -> int:
    return sum(1 for path in site.server.paths_requested() if path.startswith(f"/api/{slug}.json"))


def need_chromium() -> None:
    """Skip without chromium or scrapy-playwright; under CI=true, fail."""
    reason = None
    if shutil.which("chromium") is None and shutil.which("chromium-browser") is None:
        reason = "chromium is not installed; run scripts/ensure-chromium.sh"
    else:
        try:
            import scrapy_playwright  # noqa: F401
        except ImportError:
            reason = "scrapy-playwright is not installed: pip install -e '.[test]'"
    if reason is not None:
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
