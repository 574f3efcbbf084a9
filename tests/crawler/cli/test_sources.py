"""`mirrorwatch sources`, `sources add` and `sources test` as a user runs them, against local sites."""

import json
import socket
from datetime import UTC, datetime, timedelta

import pytest

from crawler.crawl.listings import walk
from crawler.probe.fetch import Fetcher
from crawler.sources import load_sources
from storage.archive import Archive, discovered
from storage.types import Fetch
from tests.support import newsroom
from tests.support.records import extracted

ALLOW = r"/articles/\d{4}/\d{2}/[^/]+\.html$"


@pytest.fixture
def gazette(site):
    newsroom.build(site)
    return site


def test_add_proposes_an_allow_for_the_articles_and_writes_the_source(gazette, ws):
    result = ws.cli("sources", "add", "gazette", gazette.url + "/")
    u = gazette.url
    assert result.stdout == f"""Added source 'gazette' (origin) to sources.toml (a new file).
Found:
  robots.txt: read, obeyed
    {u}/robots.txt
  start page: 7 links on the site, 1 to other sites
    {u}/
  sitemap index: 2 sitemaps
    {u}/sitemap-index.xml
  feed: 2 URLs
    {u}/feed.xml
  sitemap: 4 URLs
    {u}/sitemap-news.xml
  sitemap: 2 URLs
    {u}/sitemap-old.xml.gz
  a comments feed, left out:
    {u}/comments/feed.xml
URLs: 6 in sitemaps, 2 in feeds, 7 linked from the start page (12 distinct)
Proposed allow, matching 6 of the 7 URLs in sitemaps and feeds:
  '{ALLOW}'
Not matched (1):
  {u}/section/world/
Also matched, linked from the start page only (1):
  {u}{newsroom.ARTICLES[6]}
Next: mirrorwatch sources test gazette
"""
    source = load_sources(ws.dir / "sources.toml")["gazette"]
    assert (source.role, source.start_urls, source.sitemaps, source.feeds, source.allow) == (
        "origin", (u + "/",), (u + "/sitemap-index.xml",), (u + "/feed.xml",), (ALLOW,))
    # The proposal takes every article and no section, tag or other page for one.
    spider_view = walk("gazette", ws.dir / "sources.toml", Fetcher())
    assert sorted(spider_view.articles) == sorted(u + p for p in newsroom.ARTICLES)
    assert not any(p in url for url in spider_view.articles for p in newsroom.SECTIONS + newsroom.TAGS)
    # Only listings were fetched: robots.txt, the home page, sitemaps, the feed; never an article.
    assert not [p for p in gazette.server.paths_requested() if p.startswith("/articles/")]


def test_add_keeps_the_files_comments_and_order(gazette, ws):
    before = """# Our sites, most important first.

[[source]]
# The paper we follow.
name = "daily"   # keep this name: the scheduler knows it
role = "origin"
start_urls = ["http://127.0.0.1:1/"]

[[notify]]
webhook = "http://127.0.0.1:2/hook"
"""
    ws.sources(before)
    ws.cli("sources", "add", "gazette", gazette.url + "/", "--role", "mirror")
    after = (ws.dir / "sources.toml").read_text()
    head, new = after.split("\n\n[[source]]\n# Added by `mirrorwatch sources add` on ", 1)
    assert head + "\n\n" == before.split("[[notify]]")[0]
    assert new.endswith(f"""
name = "gazette"
role = "mirror"
start_urls = ["{gazette.url}/"]
sitemaps = ["{gazette.url}/sitemap-index.xml"]
feeds = ["{gazette.url}/feed.xml"]
allow = ['{ALLOW}']

[[notify]]
webhook = "http://127.0.0.1:2/hook"
""")
    assert ws.cli("sources", "--check").stdout == "sources.toml: 2 sources, all valid\n"
    assert [s["name"] for s in ws.json("sources")["sources"]] == ["daily", "gazette"]


def test_add_refuses_a_name_taken_and_leaves_the_file_alone(gazette, ws):
    ws.source(gazette, name="gazette")
    before = (ws.dir / "sources.toml").read_text()
    result = ws.cli("sources", "add", "gazette", gazette.url + "/", check=False)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == "Error: sources.toml: a source named 'gazette' exists already (pick another name)\n"
    assert (ws.dir / "sources.toml").read_text() == before
    assert gazette.server.paths_requested() == []  # refused before looking at the site


def test_add_of_an_unreachable_site_is_one_line(ws):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = ws.cli("sources", "add", "gone", f"http://127.0.0.1:{port}/", check=False)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"Error: cannot reach http://127.0.0.1:{port}/: connection refused\n"
    assert not (ws.dir / "sources.toml").exists()


def test_add_of_a_page_that_is_no_web_page_is_refused(site, ws):
    site.write("report.pdf", "%PDF-1.4 not a web page")
    result = ws.cli("sources", "add", "pdf", site.url + "/report.pdf", check=False)
    assert result.returncode == 1
    assert result.stderr == (f"Error: {site.url}/report.pdf is not a web page, a sitemap or a feed "
                             "(application/pdf)\n")


def test_add_json(gazette, ws):
    data = ws.json("--sources", "sites.toml", "sources", "add", "gazette", gazette.url + "/")
    assert data["next"] == "mirrorwatch --sources sites.toml sources test gazette"
    assert (data["file"], data["created"], data["guessed"]) == ("sites.toml", True, False)
    assert data["proposal"]["allow"] == [ALLOW]
    assert (data["proposal"]["listed"], data["proposal"]["listed_matched"]) == (7, 6)
    assert data["urls"] == {"sitemap": 6, "feed": 2, "start page": 7, "distinct": 12}


@pytest.mark.filterwarnings("error")  # robots.txt as a sitemap list once warned on stderr (Scrapy wants bytes)
def test_sources_test_counts_and_samples(gazette, ws):
    ws.source(gazette, name="gazette", sitemaps=[gazette.url + "/robots.txt"], feeds=[gazette.url + "/feed.xml"],
              allow=[ALLOW], deny=["/library-"])
    u = gazette.url
    result = ws.cli("sources", "test", "gazette")
    assert result.stdout == f"""Source 'gazette' (origin): its listings and 3 sampled articles read now.
  robots.txt: read, obeyed
    {u}/robots.txt
  start page: 7 links on the site, 1 to other sites
    {u}/
  robots.txt, for its sitemaps: 1 sitemap
    {u}/robots.txt
  feed: 2 URLs
    {u}/feed.xml
  sitemap index: 2 sitemaps
    {u}/sitemap-index.xml
  sitemap: 4 URLs
    {u}/sitemap-news.xml
  sitemap: 2 URLs
    {u}/sitemap-old.xml.gz
allow: '{ALLOW}'
deny: '/library-'
max_depth: 2 (link hops from a start page); max_pages: 1,000
Articles: 6 of 13 URLs
  {u}/articles/2026/03/tram-line-extended.html
  {u}/articles/2026/03/school-meals-review.html
  {u}/articles/2026/03/bus-fares-frozen.html
  {u}/articles/2026/03/river-festival-dates.html
  {u}/articles/2026/03/council-budget-vote.html
  ... 1 more (--format json lists them all)
Not articles: 7
  {u}/
  {u}/about.html
  {u}/section/world/
  {u}/section/politics/
  {u}/tag/economy/
  ... 2 more (--format json lists them all)
Followed for links (not fetched now): 5 pages linked from the start pages
  {u}/about.html
  {u}/section/world/
  {u}/section/politics/
  {u}/tag/economy/
  {u}/tag/trams/
Sampled articles: 3 pages fetched over HTTP, none an application shell
"""
    data = ws.json("sources", "test", "gazette")
    assert data["not_articles"][5:] == [u + "/tag/trams/", u + newsroom.ARTICLES[3]]  # denied
    assert data["articles"][5:] == [u + newsroom.ARTICLES[2]]
    # Of the articles, only the three sampled were fetched (once per command), to look for app shells.
    assert [s["url"] for s in data["sampled"]] == data["articles"][:3] and data["suggestion"] is None
    fetched = [p for p in gazette.server.paths_requested() if p.startswith("/articles/")]
    assert sorted(fetched) == sorted(2 * [url.removeprefix(u) for url in data["articles"][:3]])


def test_sources_test_of_an_unknown_source(gazette, ws):
    ws.source(gazette, name="gazette")
    result = ws.cli("sources", "test", "nosuch", check=False)
    assert (result.returncode, result.stderr) == (1, "Error: unknown source 'nosuch' (known: gazette)\n")


def test_sources_test_sends_the_sources_user_agent_and_headers(gazette, ws):
    ws.sources(f"""[[source]]
name = "gazette"
role = "origin"
start_urls = ["{gazette.url}/"]
allow = ['/articles/']
user_agent = "GazetteWatch/2.0 (+mailto:desk@example.org)"
headers = {{ Accept-Language = "de", X-Token = "s3cret" }}
""")
    sampled = [s["url"].removeprefix(gazette.url) for s in ws.json("sources", "test", "gazette")["sampled"]]
    seen = {path: headers for _, path, headers in gazette.server.requests}
    assert sampled and set(seen) == {"/robots.txt", "/", *sampled}  # the samples are asked for as the source says
    for headers in seen.values():
        assert (headers["User-Agent"], headers["Accept-Language"], headers["X-Token"]) == (
            "GazetteWatch/2.0 (+mailto:desk@example.org)", "de", "s3cret")


def _archive_with_a_run(ws, site):
    archive = Archive.open(ws.db_url)
    archive.ensure_source("gazette-with-a-long-name", role="origin", origin=site.url)
    run = archive.start_run("gazette-with-a-long-name")
    now = datetime.now(UTC)
    for url, when in ((site.url + "/articles/a.html", now - timedelta(days=40)), (site.url + "/articles/b.html", now)):
        archive.record(Fetch("gazette-with-a-long-name", url, when, 200, url.encode()), extracted([url * 3]))
    archive.finish_run(run, reason="finished", stats={})
    archive.engine.dispose()
    return archive


def test_sources_list_at_80_columns_shows_whole_urls_and_the_archive_columns(make_site, ws):
    site, blog = make_site("site"), make_site("blog-with-a-rather-long-folder-name")
    long = f"{blog.url}/a/very/long/path/to/the/start/page/of/this/blog/that/goes/on/and/on/index.html"
    ws.sources(f"""[[source]]
name = "gazette-with-a-long-name"
role = "origin"
start_urls = ["{site.url}/"]
schedule = "30m"

[[source]]
name = "blog"
role = "mirror"
start_urls = ["{long}"]
""")
    without = ws.cli("sources").stdout
    assert "last run" not in without and "pages" not in without
    assert not ws.db.exists()  # the listing created no archive
    _archive_with_a_run(ws, site)
    out = ws.cli("sources").stdout
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("name"))
    assert header.split() == ["name", "role", "schedule", "last", "run", "(UTC)", "status", "pages", "due"]
    assert all(len(line) <= 80 for line in lines if "://" not in line)
    rows = [line.split() for line in lines if line.startswith(("gazette-with", "blog "))]
    assert rows[0][:3] == ["gazette-with-a-long-name", "origin", "30m"]
    assert rows[0][-3:] == ["finished", "2", "1"]  # 2 pages, the one fetched 40 days ago due
    assert rows[1] == ["blog", "mirror", "-", "never", "-", "0", "0"]
    assert lines[lines.index("blog: 1 start page, 0 sitemaps, 0 feeds") + 1] == f"  {long}"  # whole, on its own line
    assert len(long) > 80 and f"  {site.url}/" in lines
    assert "…" not in out
    data = ws.json("sources")["sources"]
    assert (data[0]["pages"], data[0]["due"], data[0]["last_run"]["status"]) == (2, 1, "finished")
    assert (data[1]["pages"], data[1]["due"], data[1]["last_run"]) == (0, 0, None)
    assert json.loads(ws.cli("sources", "--check", "--format", "json").stdout)["sources"][0].get("pages") is None


def test_add_obeys_robots_txt_and_test_of_a_site_gone_is_one_line(gazette, ws):
    gazette.write("robots.txt", "User-agent: *\nDisallow: /\n")
    result = ws.cli("sources", "add", "gazette", gazette.url + "/", check=False)
    assert (result.returncode, result.stderr) == (1, f"Error: cannot fetch {gazette.url}/: robots.txt disallows it\n")
    assert gazette.server.paths_requested() == ["/robots.txt"]
    ws.source(gazette, name="gazette")
    gazette.server.stop()
    result = ws.cli("sources", "test", "gazette", check=False)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"Error: cannot reach {gazette.url}/: connection refused\n"


def test_add_of_a_feed_url_makes_a_source_of_the_feed(gazette, ws):
    data = ws.json("sources", "add", "gazette-feed", gazette.url + "/feed.xml")
    assert {k: data["source"].get(k) for k in ("start_urls", "sitemaps", "feeds")} == {
        "start_urls": None, "sitemaps": [gazette.url + "/sitemap-index.xml"], "feeds": [gazette.url + "/feed.xml"]}
    assert data["source"]["allow"] == [ALLOW]


def test_sources_test_says_what_max_pages_and_robots_txt_leave_out(site, ws):
    site.write("robots.txt", "User-agent: *\nDisallow: /articles/b\n")
    site.index("/articles/a.html", "/articles/b.html", "/articles/c.html")
    ws.source(site, name="gazette", max_pages=2)
    out = ws.cli("sources", "test", "gazette").stdout
    assert f"""Articles: 3 of 4 URLs
  {site.url}/articles/a.html
  {site.url}/articles/b.html
  {site.url}/articles/c.html
  a crawl fetches 2 of them at most (max_pages)
  robots.txt disallows 1 of them: the crawl skips those
Not articles: 1
  {site.url}/
""" in out
    assert ws.json("sources", "test", "gazette")["robots_disallowed"] == [site.url + "/articles/b.html"]


def test_sources_lists_the_sources_scans_discovered_that_the_file_does_not_hold(ws):
    ws.sources("""[[source]]
name = "gazette"
role = "origin"
start_urls = ["http://127.0.0.1:9001/"]

[[source]]
name = "blog"
role = "mirror"
start_urls = ["https://blog.example/"]
""")
    archive = Archive.open(ws.db_url)
    # Two sites a scan discovered; the user has since added the second one (under another name).
    for name in ("copies.example.net", "blog.example"):
        archive.ensure_source(name, role="mirror", origin=f"https://{name}:443")
        discovered.mark_discovered(archive.session, name)
    when = datetime(2026, 11, 20, tzinfo=UTC)
    for k in range(2):
        url = f"https://copies.example.net/news/{k}.html"
        archive.record(Fetch("copies.example.net", url, when, 200, url.encode()), extracted([url * 3]))
    archive.engine.dispose()

    data = ws.json("sources")
    assert [row["name"] for row in data["sources"]] == ["gazette", "blog"]
    command = "mirrorwatch sources add copies.example.net https://copies.example.net/ --role mirror"
    assert [(r["name"], r["origin"], r["pages"], r["command"]) for r in data["discovered"]] == [
        ("copies.example.net", "https://copies.example.net:443", 2, command)]
    lines = ws.cli("sources").stdout.splitlines()
    at = lines.index("Discovered by scans, not crawled until added (1):")
    assert lines[at + 1].startswith("  copies.example.net  2 pages, found 20")
    assert lines[at + 2:] == [f"    {command}"]
    assert "discovered" not in ws.json("sources", "--check")  # no archive read
