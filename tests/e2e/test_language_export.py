"""`export corpus --lang en`, the README's own example, on a crawl of a local site of real pages
(shared/data) whose language declarations were taken out: the detector gives each version its
language, and the export returns the English articles, and only them."""

from __future__ import annotations

import json

import pytest

from tests.support.databases import shared_path
from tests.support.languages import read_page, undeclared

ENGLISH = ["06e5123e4ef7cfb4533250dc45d1e03d0838fc66223f45c583c4d12f48b4da85",
           "06ee193de4bd611f7fafbab0c59b0f6fe3495093516720632cd093b24c7a0e98",
           "076f4f33bf75059db581bedf36e76fb65e89a8f7752db3339aa3ea11c5122f32"]
OTHERS = {"20b2b64916b00b25203c9f1bf14248922f4d522f18328e9f876cce116df0083e": "it",
          "23aaecd14171f96cfd201a8a46666097e286ad71f74f29347a78c5ecba50da1e": "pt"}
FRENCH_WCXB = "0608"  # a French page of the WCXB set


@pytest.mark.slow
def test_export_corpus_lang_en_returns_the_english_articles(site, ws):
    pages = {f"/articles/{name[:12]}.html": read_page(shared_path(f"data/article-pages/html/{name}.html.gz"))
             for name in [*ENGLISH, *OTHERS]}
    pages["/articles/wcxb-0608.html"] = read_page(shared_path(f"data/wcxb-dev/html/{FRENCH_WCXB}.html.gz"))
    for path, html in pages.items():
        stripped = undeclared(html)
        assert "lang=" not in stripped[:stripped.lower().find("<head")], path
        site.write(path, stripped)
    site.index(*pages)
    ws.source(site, max_depth=1)
    ws.crawl()

    ws.cli("export", "corpus", "-o", "corpus.jsonl", "--copies", "merge", "--lang", "en", "--min-words", "100")
    records = [json.loads(line) for line in (ws.dir / "corpus.jsonl").read_text().splitlines()]
    assert sorted(r["url"] for r in records) == sorted(f"{site.url}/articles/{n[:12]}.html" for n in ENGLISH)
    assert {r["language"] for r in records} == {"en"}
    assert all(r["words"] >= 100 for r in records)
    with_region = ws.cli("export", "corpus", "-o", "-", "--lang", "EN-us").stdout.splitlines()
    assert sorted(json.loads(line)["url"] for line in with_region) == sorted(r["url"] for r in records)

    everything = ws.cli("export", "corpus", "-o", "-").stdout.splitlines()
    languages = {json.loads(line)["url"].rsplit("/", 1)[1]: json.loads(line)["language"] for line in everything}
    expected = {f"{n[:12]}.html": "en" for n in ENGLISH} | {f"{n[:12]}.html": lang for n, lang in OTHERS.items()}
    assert languages == expected | {"wcxb-0608.html": "fr"}
