"""The probe's GETs: robots.txt obeyed before anything, the site left never, bounded, failures in a few words."""

import socket

import pytest

from crawler.probe.fetch import Fetcher, SiteUnreachable
from crawler.settings import USER_AGENT


def test_robots_txt_first_and_obeyed(site):
    site.write("robots.txt", "User-agent: *\nDisallow: /private/\n\nUser-agent: PickyBot\nDisallow: /\n")
    site.write("private/feed.xml", "<rss/>")
    site.write("feed.xml", "<rss/>")
    fetcher = Fetcher()
    assert fetcher.get(site.url + "/private/feed.xml").problem == "robots.txt disallows it"
    assert fetcher.get(site.url + "/feed.xml").status == 200
    assert site.server.paths_requested() == ["/robots.txt", "/feed.xml"]
    assert site.server.requests[0][2]["User-Agent"] == USER_AGENT
    picky = Fetcher(user_agent="PickyBot/1.0")
    assert picky.get(site.url + "/feed.xml").problem == "robots.txt disallows it"


def test_no_robots_txt_allows_everything_and_each_url_is_fetched_once(site):
    site.write("feed.xml", "<rss/>")
    fetcher = Fetcher()
    assert fetcher.robots(site.url + "/").status == 404
    assert fetcher.get(site.url + "/feed.xml").body == b"<rss/>"
    fetcher.get(site.url + "/feed.xml")
    assert site.server.paths_requested() == ["/robots.txt", "/feed.xml"]


def test_redirects_stay_on_the_site(make_site):
    site, other = make_site("site"), make_site("other")
    other.write("feed.xml", "<rss/>")
    site.write("index.html", "home")
    site.write("_redirects", f"/old/ /index.html\n/away.xml {other.url}/feed.xml\n")
    fetcher = Fetcher()
    moved = fetcher.get(site.url + "/old/")
    assert (moved.url, moved.status, moved.body) == (site.url + "/index.html", 200, b"home")
    away = fetcher.get(site.url + "/away.xml")
    assert (away.status, away.problem) == (None, f"redirects off the site, to {other.url}/feed.xml")
    assert other.server.paths_requested() == []


def test_a_body_over_the_limit_is_refused(site):
    site.write("big.xml", "x" * 3000)
    answer = Fetcher(max_bytes=2 * 2**10).get(site.url + "/big.xml")
    assert (answer.status, answer.problem, answer.body) == (200, "larger than 2 KB", b"")


def test_a_site_that_does_not_answer(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(SiteUnreachable) as error:
        Fetcher().robots(f"http://127.0.0.1:{port}/news/")
    assert str(error.value) == f"cannot reach http://127.0.0.1:{port}/news/: connection refused"
