"""Leads (``storage.reports.leads``) from an archive built through the write path: links to other
sites' articles, attribution names, copies on a source a scan discovered; configured hosts, share and
profile links, single links and superseded versions are no leads."""

import pytest
from sqlalchemy import func, select

from storage.archive import Archive
from storage.models import CopyLink, Page
from storage.reports.leads import article_like, leads
from tests.support import leads as scene


@pytest.fixture
def archive(db_url):
    scene.build(db_url)
    archive = Archive.open(db_url)
    yield archive
    archive.engine.dispose()


def test_leads_with_their_evidence(archive):
    with archive.session() as s:
        data = leads(s, scene.CONFIGURED)
    assert data["leads"] == scene.LEADS
    assert data["unplaced_names"] == scene.UNPLACED
    assert (data["leads_total"], data["pages_read"]) == (4, 5)
    hosts = {row["host"] for row in data["leads"]}
    # configured (linked from two pages), share buttons (three pages), a profile, one link, a superseded version
    assert not hosts & {"127.0.0.1:9002", "twitter.com", "www.facebook.com", "lonely.example", "gone.example"}


def test_copies_count_on_discovered_sources_only(archive):
    """A source the sources file no longer holds and no scan found (the user removed it) is no lead,
    though it holds a copy: only a scan's discovered sources are."""
    archive.ensure_source("old-mirror", role="mirror", origin="http://127.0.0.1:9010")
    scene.record(archive, "old-mirror", "http://127.0.0.1:9010/2026/03/06/harbour-channel/", scene.ARTICLE[3:],
                 minutes=6)
    with archive.session() as s:
        data = leads(s, scene.CONFIGURED)
        linked = s.scalar(select(func.count(CopyLink.id)).join(Page, Page.id == CopyLink.copy_page_id)
                          .where(Page.url.startswith("http://127.0.0.1:9010/")))
    assert linked == 1  # the copy is there, linked to its original
    assert data["leads"] == scene.LEADS
    assert (data["leads_total"], data["pages_read"]) == (4, 6)


def test_limit_keeps_the_strongest(archive):
    with archive.session() as s:
        data = leads(s, scene.CONFIGURED, limit=2)
    assert [row["host"] for row in data["leads"]] == ["www.harbourtimes.example", "127.0.0.1:9008"]
    assert data["leads_total"] == 4


def test_a_configured_source_is_no_lead_whatever_its_name(archive):
    """Compared by origin: the copies' source, once configured (under another name), leaves the
    leads, and so does the name it gives its pages' source."""
    configured = scene.CONFIGURED | {"copies-blog": "http://127.0.0.1:9007/"}
    with archive.session() as s:
        data = leads(s, configured)
    assert [row["host"] for row in data["leads"]] == ["www.harbourtimes.example", "127.0.0.1:9008", "wire.example"]


def test_lead_names_never_repeat_a_configured_one(archive):
    with archive.session() as s:
        data = leads(s, scene.CONFIGURED | {"wire.example": "https://elsewhere.example/"})
    assert [row["name"] for row in data["leads"]] == ["www.harbourtimes.example", "127.0.0.1-9008", "wire.example-2",
                                                      "blog-copies"]


@pytest.mark.parametrize(("url", "expected"), [
    ("https://x.example/2026/03/01/tram", True),
    ("https://x.example/news/20260301/item", True),
    ("https://x.example/tram-line-opens-today", True),
    ("https://x.example/news/tram.html", True),
    ("https://x.example/", False),
    ("https://x.example/about.html", False),
    ("https://x.example/privacy-policy", False),
    ("https://twitter.com/portnews", False),
    ("https://twitter.com/portnews/status/1234567890", False),
    ("https://twitter.com/intent/tweet?url=https%3A%2F%2Fx.example%2Fa-b-c", False),
    ("https://www.facebook.com/sharer/sharer.php?u=http://x.example/2026/03/01/a", False),
    ("http://[::1/2026/03/01/a", False),
])
def test_article_like(url, expected):
    assert article_like(url) is expected


def test_odd_hosts_give_valid_names(db_url):
    """Hosts in Unicode, with odd characters or IPv6 literals: a source name `sources add` accepts,
    a URL it can fetch; an IPv6 literal (stored without its brackets by normalize_url) is left out."""
    archive = Archive.open(db_url)
    archive.ensure_source("port-news", role="origin", origin=scene.NEWS)
    odd = ["https://bücher.example/2026/03/01/ein-langer-artikel", "http://a_b.example:8080/2026/03/01/story",
           "http://[::1]:8080/2026/03/01/story"]
    for k in range(2):
        scene.record(archive, "port-news", f"{scene.NEWS}/{k}.html", [scene.OTHER[k]], odd, minutes=k)
    with archive.session() as s:
        rows = leads(s, {"port-news": scene.NEWS})["leads"]
    archive.engine.dispose()
    assert [(r["host"], r["name"], r["url"]) for r in rows] == [
        ("a_b.example:8080", "a_b.example-8080", "http://a_b.example:8080/"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example", "https://xn--bcher-kva.example/"),
    ]
