"""The HTML reports (``crawler.render.html``) escape scraped text; in a real headless Chromium the
compare report renders and a planted script does not run."""

import re
from datetime import UTC, datetime

import pytest
from markupsafe import escape

from crawler.render.html import compare_html
from storage.archive import Archive
from storage.reports.copies import compare_report
from storage.types import Extracted, Fetch
from tests.support.records import ARTICLE


def test_html_report_escapes_scraped_text(archive):
    evil = ARTICLE[:2] + ['<script>alert("x")</script> and <img src=x onerror=alert(1)>']
    blog_history(archive)
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE)
    put(archive, "harbour-watch", f"{MIRROR}/copy/", evil + BLOG_FURNITURE, minutes=1)
    html = compare_html(compare_report(*archive.compare(f"{ORIGIN}/a.html", f"{MIRROR}/copy/")))
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert re.search(r"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'", html)


def test_html_diff_marks_changed_words_and_collapses_unchanged_paragraphs():
    from crawler.render.html import diff_html
    from storage.models import Version
    from storage.reports.diff import version_diff

    old = Version(number=1, title="Harbour", text="\n".join(ARTICLE))
    edited = ARTICLE[:4] + [ARTICLE[4].replace("for years", "for a decade")]
    html = diff_html(version_diff(f"{ORIGIN}/a.html", old, Version(number=2, title="Harbour deal", text="\n".join(edited))))
    assert '<div class="para unchanged">… 3 unchanged paragraphs …</div>' in html
    assert "<del>years</del>" in html and "<ins>a decade</ins>" in html
    assert '<p class="title-change">title: Harbour → Harbour deal</p>' in html
    assert '<p class="ends">text now ends after paragraph 5 of 6: \u201c…was deepened for the newest generation of vessels.\u201d</p>' in html
    assert escape(ARTICLE[3]) in html and escape(ARTICLE[0]) not in html  # the context, not the collapsed ones
    everything = diff_html(version_diff(f"{ORIGIN}/a.html", old, Version(number=2, title="Harbour", text="\n".join(edited))),
                           context=10)
    assert "unchanged paragraph" not in everything and escape(ARTICLE[0]) in everything
    assert 'class="title-change"' not in everything


def test_html_compare_marks_what_a_cosmetic_paragraph_changed_visibly(archive):
    blog_history(archive)
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE)
    curly = [ARTICLE[2].replace("estuary's", "estuary\u2019s").replace("mudflats, which", "mudflats,  which"),
             ARTICLE[3], ARTICLE[4]]
    put(archive, "harbour-watch", f"{MIRROR}/copy/", curly + BLOG_FURNITURE, minutes=1)
    html = compare_html(compare_report(*archive.compare(f"{ORIGIN}/a.html", f"{MIRROR}/copy/")))
    row = html[html.index('<div class="row cosmetic">'):]
    row = row[:row.index('<div class="row same">')]
    assert '<del class="typo" title="typography">&#39;</del>s mudflats,' in row  # the original's straight quote
    assert '<ins class="typo" title="typography">\u2019</ins>s mudflats,' in row  # the copy's curly one
    assert '<del class="typo" title="typography">␣</del>which' in row  # one space, then two: shown
    assert '<ins class="typo" title="typography">␣␣</ins>which' in row
    assert "del.typo, ins.typo { outline" in html  # marks that show without colour too


def test_html_compare_of_two_pages_that_are_no_copies_names_no_original(archive):
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE)
    put(archive, "other-news", "http://127.0.0.1:9003/b.html",
        ["The winter ferry timetable starts in November, with one crossing less on Sundays and a new early boat."])
    html = compare_html(compare_report(*archive.compare(f"{ORIGIN}/a.html", "http://127.0.0.1:9003/b.html")))
    assert "<h1>Not copies</h1>" in html
    assert '<p class="verdict">not copies: the two pages share nothing beyond boilerplate</p>' in html
    body = html[html.index("<body>"):]
    assert "original" not in body and 'class="row ' not in body


# -- The HTML compare report in a real headless Chromium: it renders, and scraped

import shutil
import subprocess

from tests.support.databases import IN_CI
from tests.support.harbour import (  # noqa: F401 (a fixture)
    BLOG_FURNITURE,
    MIRROR,
    ORIGIN,
    archive,
    blog_history,
    ex,
    put,
)
from tests.support.sites import PARAGRAPHS

PLANT = "<script>document.documentElement.setAttribute('data-pwned','yes')</script>"
PLANT_IMG = "<img src=x onerror=\"document.documentElement.setAttribute('data-pwned','img')\">"


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if IN_CI:
            pytest.fail("chromium is not installed (scripts/ensure-chromium.sh should have installed it)")
        pytest.skip("chromium is not installed; run scripts/ensure-chromium.sh")
    return path


@pytest.mark.slow
@pytest.mark.browser
def test_compare_report_renders_and_planted_script_does_not_run(tmp_path):
    browser = chromium()
    archive = Archive.open(f"sqlite:///{tmp_path / 'a.db'}")
    archive.ensure_source("news", role="origin", origin="http://127.0.0.1:9001")
    archive.ensure_source("blog", role="mirror", origin="http://127.0.0.1:9002")
    t = datetime(2026, 1, 1, tzinfo=UTC)

    def ex(title, paragraphs):
        return Extracted(title, None, None, None, "en", None, tuple(paragraphs), "trafilatura", "2.3.1", "t")

    archive.record(Fetch("news", "http://127.0.0.1:9001/a.html", t, 200, b"a"), ex("Tram", PARAGRAPHS))
    evil = [PARAGRAPHS[0] + " " + PLANT, PARAGRAPHS[1], PLANT_IMG + " appended by the blog"]
    archive.record(Fetch("blog", "http://127.0.0.1:9002/copy/", t, 200, b"b"), ex("Tram " + PLANT, evil))
    html = compare_html(compare_report(*archive.compare("http://127.0.0.1:9001/a.html", "http://127.0.0.1:9002/copy/")))
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    result = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=2000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=60,
    )
    dom = result.stdout
    assert result.returncode == 0, result.stderr[-1000:]
    assert "data-pwned" not in dom.split(">", 2)[1]  # the <html> element was not touched
    assert "data-pwned=" not in dom.replace("setAttribute('data-pwned'", "")
    assert "&lt;script&gt;document.documentElement" in dom  # shown as text
    assert PARAGRAPHS[1] in dom and 'class="row same"' in dom  # it rendered the comparison
