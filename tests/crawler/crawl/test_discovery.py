"""What discovery costs: max_pages counts distinct article URLs, a crawl stopped at the cap says so,
and the links of article pages are followed only when asked (or when nothing else lists them)."""

import pytest

from tests.support.sites import PARAGRAPHS


def sitemap(site, paths) -> None:
    rows = "".join(f"<url><loc>{site.url}{p}</loc></url>" for p in paths)
    site.write("sitemap.xml", f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                              f"{rows}</urlset>")


def articles(site, paths, **kw) -> None:
    for n, path in enumerate(paths):
        site.article(path, f"Article {n}", [f"Story {path}: " + p for p in PARAGRAPHS], **kw)


@pytest.mark.slow
def test_max_pages_counts_a_url_listed_twice_once_and_the_summary_says_discovery_stopped(site, ws):
    paths = [f"/articles/a{n}.html" for n in range(12)]
    articles(site, paths)
    site.index(*paths[:6])  # the start page and the sitemap both list these six
    sitemap(site, paths)
    ws.source(site, sitemaps=[site.url + "/sitemap.xml"], max_pages=10, max_depth=1)
    data = ws.json("crawl")
    (row,) = data["sources"]
    assert row["fetched"] == 10  # not 10 minus the URLs seen twice
    assert (row["over_max_pages"], row["max_pages_reached"]) == (2, True)
    text = ws.run("crawl").stdout
    assert "; stopped discovering at max_pages: 2 more article URLs not fetched" in " ".join(text.split())


@pytest.mark.slow
def test_with_a_sitemap_the_links_of_articles_are_not_followed_unless_asked(site, ws):
    listed = [f"/articles/a{n}.html" for n in range(3)]
    articles(site, listed, links=["/articles/hidden.html", "/related/more.html"])
    site.article("/articles/hidden.html", "Hidden", ["Only linked from other articles. " + PARAGRAPHS[0]])
    site.index()
    sitemap(site, listed)
    ws.source(site, sitemaps=[site.url + "/sitemap.xml"])
    (row,) = ws.json("crawl")["sources"]
    requested = set(site.server.paths_requested())
    assert row["fetched"] == 3
    assert not requested & {"/about.html", "/contact.html", "/related/more.html", "/articles/hidden.html"}
    # robots.txt, the start page and the sitemap: the requests that were not articles.
    assert (row["requests"], row["other_requests"]) == (6, 3)

    site.server.requests.clear()
    ws.source(site, sitemaps=[site.url + "/sitemap.xml"], follow_links=True)
    (row,) = ws.json("--db", "again.db", "crawl")["sources"]  # a first crawl again: articles answer 200
    requested = set(site.server.paths_requested())
    assert {"/about.html", "/contact.html", "/related/more.html", "/articles/hidden.html"} <= requested
    assert row["new_version"] == 4 and row["other_requests"] > 3


@pytest.mark.slow
def test_without_sitemap_or_feed_the_links_of_articles_are_followed(site, ws):
    articles(site, ["/articles/a0.html"], links=["/articles/hidden.html"])
    site.article("/articles/hidden.html", "Hidden", ["Only linked from another article. " + PARAGRAPHS[0]])
    site.index("/articles/a0.html")
    ws.source(site)
    (row,) = ws.json("crawl")["sources"]
    assert row["fetched"] == 2 and "/articles/hidden.html" in site.server.paths_requested()


def test_follow_links_is_true_or_false_and_defaults_to_whether_nothing_else_lists_articles(tmp_path):
    from crawler.sources import SourcesError, load_sources

    path = tmp_path / "sources.toml"
    head = '[[source]]\nname = "n"\nrole = "origin"\nstart_urls = ["http://127.0.0.1:9/"]\n'
    path.write_text(head + 'sitemaps = ["http://127.0.0.1:9/sitemap.xml"]\n')
    assert load_sources(path)["n"].follows_article_links is False
    path.write_text(head)
    assert load_sources(path)["n"].follows_article_links is True
    path.write_text(head + 'feeds = ["http://127.0.0.1:9/feed.xml"]\nfollow_links = true\n')
    assert load_sources(path)["n"].follows_article_links is True
    path.write_text(head + 'follow_links = "yes"\n')
    with pytest.raises(SourcesError, match="field 'follow_links': expected true or false, got str"):
        load_sources(path)
    path.write_text(head + 'max_depth = true\n')  # a boolean is still no integer
    with pytest.raises(SourcesError, match="field 'max_depth': expected an integer, got bool"):
        load_sources(path)
