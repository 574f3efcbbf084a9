"""A news site as ``sources add`` finds one: robots.txt naming a sitemap index (one of its
sitemaps gzipped), an RSS feed and a comments feed announced on the home page, and a home page
linking to articles, sections, tags, an about page and another site."""

from __future__ import annotations

import gzip

from tests.support.sites import PARAGRAPHS, Site

ARTICLES = [f"/articles/2026/03/{slug}.html" for slug in
            ("tram-line-extended", "council-budget-vote", "harbour-dredging-plan", "library-reopens",
             "bus-fares-frozen", "river-festival-dates", "school-meals-review")]
SECTIONS = ["/section/world/", "/section/politics/"]
TAGS = ["/tag/economy/", "/tag/trams/"]
HOME_LINKS = ["/", "/about.html", *SECTIONS, *TAGS, ARTICLES[0], ARTICLES[6], "https://elsewhere.example/story"]
NEWS_SITEMAP = [*ARTICLES[:3], SECTIONS[0]]  # a sitemap that also lists a section page
OLD_SITEMAP = ARTICLES[3:5]  # gzipped
FEED = ARTICLES[4:6]


def _urlset(paths: list[str]) -> str:
    entries = "".join(f"<url><loc>__BASE__{p}</loc></url>" for p in paths)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'


def build(site: Site) -> None:
    site.write("robots.txt", "User-agent: *\nDisallow: /private/\nSitemap: __BASE__/sitemap-index.xml\n")
    site.write("sitemap-index.xml", '<?xml version="1.0" encoding="UTF-8"?>'
               '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
               "<sitemap><loc>__BASE__/sitemap-news.xml</loc></sitemap>"
               "<sitemap><loc>__BASE__/sitemap-old.xml.gz</loc></sitemap></sitemapindex>")
    site.write("sitemap-news.xml", _urlset(NEWS_SITEMAP))
    # A gzip body is served as it is (no __BASE__ inside it): its URLs are written out here.
    (site.root / "sitemap-old.xml.gz").write_bytes(gzip.compress(_urlset(OLD_SITEMAP).replace("__BASE__", site.url).encode()))
    items = "".join(f"<item><title>{p}</title><link>__BASE__{p}</link></item>" for p in FEED)
    site.write("feed.xml", f'<?xml version="1.0"?><rss version="2.0"><channel><title>Gazette</title>{items}</channel></rss>')
    site.write("comments/feed.xml", '<?xml version="1.0"?><rss version="2.0"><channel><title>Comments</title>'
               "<item><link>__BASE__/articles/2026/03/tram-line-extended.html#comment-1</link></item></channel></rss>")
    links = "".join(f'<li><a href="{p}">{p}</a></li>' for p in HOME_LINKS)
    site.write("index.html", '<!doctype html><html><head><title>Gazette</title>'
               '<link rel="alternate" type="application/rss+xml" title="Gazette" href="/feed.xml">'
               '<link rel="alternate" type="application/rss+xml" title="Gazette comments" href="/comments/feed.xml">'
               f"</head><body><ul>{links}</ul></body></html>")
    for path in ARTICLES:
        site.article(path, path.rsplit("/", 1)[1], PARAGRAPHS)
