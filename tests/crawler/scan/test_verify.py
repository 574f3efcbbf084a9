"""A matched page's verification: one alignment before recording, then the archive's own matching
stores (and counts) every link."""

from __future__ import annotations

from sqlalchemy import select

from crawler.scan.scanner import Scanner
from storage.archive import Archive
from storage.copies import match
from storage.models import CopyLink, Page
from tests.crawler.scan.planted import ORIGIN, archive_articles, articles, plant, unrelated, write_warc


def test_a_copy_of_a_page_archived_twice_is_aligned_once_before_recording(sqlite_url, tmp_path, monkeypatch):
    monkeypatch.setenv("MIRRORWATCH_EXTRACT_WORKERS", "1")
    article = articles(1)[0]
    archive = Archive.open(sqlite_url)
    archived = archive_articles(archive, [article], copies=2)  # the same text at two URLs of one source
    warc = tmp_path / "crawl.warc.gz"
    copy = "https://copies-0.example.net/news/story.html"
    write_warc(warc, [(f"https://site-{n}.example.org/{n}.html", body) for n, body in enumerate(unrelated(5))]
               + [(copy, plant(article, "retitled", site=0)[1])])
    aligned = []
    real_align = match.align
    monkeypatch.setattr(match, "align", lambda *a, **k: aligned.append(1) or real_align(*a, **k))

    result = Scanner(archive, configured=[ORIGIN], workers=1).run([str(warc)]).as_dict()

    with archive.session() as s:
        links = sorted(s.execute(select(Page.url, CopyLink.relation).join(Page, Page.id == CopyLink.original_page_id)))
    archive.engine.dispose()
    assert links == [(url, "cosmetic") for url in sorted(archived)]
    assert (result["matched_pages"], result["recorded"], result["matches"]) == (1, 1, {"cosmetic": 2})
    # One alignment to know the page is a copy, then one for each link the archive's matching stores.
    assert len(aligned) == 1 + len(archived)
