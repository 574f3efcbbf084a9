"""sources.toml: valid files load; each mistake is one line naming source and field."""

import re

import pytest

from crawler.sources import SourcesError, load_sources, select_sources
from tests.support.databases import REPO

GOOD = """
[[source]]
name = "news"
role = "origin"
start_urls = ["http://127.0.0.1:8001/"]
sitemaps = ["http://127.0.0.1:8001/sitemap.xml"]
allow = ['/articles/']
max_pages = 50
download_delay = 0.5

[[source]]
name = "blog"
role = "mirror"
feeds = ["http://127.0.0.1:8002/feed/"]
"""


def load(tmp_path, text):
    path = tmp_path / "sources.toml"
    path.write_text(text)
    return load_sources(path)


def test_valid_file_loads_in_order(tmp_path):
    sources = load(tmp_path, GOOD)
    assert list(sources) == ["news", "blog"]
    news = sources["news"]
    assert news.origin == "http://127.0.0.1:8001"
    assert (news.max_pages, news.max_depth, news.download_delay) == (50, 2, 0.5)
    assert sources["blog"].feeds == ("http://127.0.0.1:8002/feed/",)
    assert [s.name for s in select_sources(sources, ["blog"])] == ["blog"]
    with pytest.raises(SourcesError, match="unknown source 'nope'"):
        select_sources(sources, ["nope"])


def test_render_fields_load(tmp_path):
    text = GOOD.replace("max_pages = 50", 'render = "browser"\nwait_for = "article h1"\nrender_timeout = 5\n'
                                          "render_concurrency = 3\nrender_recycle = 20")
    news, blog = load(tmp_path, text).values()
    assert (news.render, news.wait_for, news.render_timeout, news.render_concurrency, news.render_recycle) == \
        ("browser", "article h1", 5.0, 3, 20)
    assert (blog.render, blog.wait_for, blog.render_timeout, blog.render_concurrency, blog.render_recycle) == \
        ("http", None, 15.0, 2, 100)


def test_example_file_is_valid():
    sources = load_sources(REPO / "sources.example.toml")
    assert set(sources) == {"example-news", "example-blog"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('role = "origin"', 'role = "copy"'), "source 'news': field 'role': must be 'origin' or 'mirror'"),
        (("max_pages = 50", "max_pages = 0"), "source 'news': field 'max_pages': must be at least 1"),
        (("max_pages = 50", 'max_pages = "50"'), "source 'news': field 'max_pages': expected an integer, got str"),
        (("allow = ['/articles/']", "allow = ['(']"), "source 'news': field 'allow': bad regular expression"),
        (('name = "blog"', 'name = "news"'), "source 'news': field 'name': used twice"),
        (("max_pages = 50", "maxpages = 50"), "source 'news': field 'maxpages': unknown field"),
        (('sitemaps = ["http://127.0.0.1:8001/sitemap.xml"]', 'sitemaps = ["http://127.0.0.1:9999/s.xml"]'),
         "source 'news': field 'start_urls': all URLs of a source must share one scheme, host and port"),
        (('feeds = ["http://127.0.0.1:8002/feed/"]', 'feeds = ["ftp://x/feed"]'),
         "source 'blog': field 'feeds': not an http(s) URL"),
        (('name = "blog"\nrole = "mirror"', 'name = "blog"'), "source 'blog': field 'role': missing"),
        (("max_pages = 50", 'render = "js"'), "source 'news': field 'render': must be 'http' or 'browser', not 'js'"),
        (("max_pages = 50", "render_timeout = 0"), "source 'news': field 'render_timeout': must be positive"),
        (("max_pages = 50", "render_recycle = 0"), "source 'news': field 'render_recycle': must be at least 1"),
        (("max_pages = 50", 'wait_for = " "'), "source 'news': field 'wait_for': must be a CSS selector"),
    ],
)
def test_mistakes_name_source_and_field(tmp_path, change, message):
    old, new = change
    assert old in GOOD
    with pytest.raises(SourcesError) as info:
        load(tmp_path, GOOD.replace(old, new))
    text = str(info.value)
    assert message in text
    assert "\n" not in text and text.startswith(str(tmp_path / "sources.toml"))


@pytest.mark.parametrize(
    ("text", "message"),
    [("[[source]\n", "not valid TOML"), ("x = 1\n", "unknown top-level key 'x'"), ("", "no [[source]] entries")],
)
def test_broken_files(tmp_path, text, message):
    with pytest.raises(SourcesError, match=re.escape(message)):
        load(tmp_path, text)


def test_missing_file(tmp_path):
    with pytest.raises(SourcesError, match="no such sources file"):
        load_sources(tmp_path / "absent.toml")


# -- The scheduler: real `mirrorwatch schedule` processes against a local site.

from datetime import timedelta

import pytest

from crawler.sources import load_config


def test_sources_file_validates_schedule_limits_and_notify(tmp_path):
    path = tmp_path / "sources.toml"
    base = '[[source]]\nname = "news"\nrole = "origin"\nstart_urls = ["http://127.0.0.1:1/"]\n'
    path.write_text(base + 'schedule = "30m"\nrecheck_min = "10m"\nrecheck_max = "2d"\n'
                    '[[notify]]\nwebhook = "http://127.0.0.1:2/hook"\nmin_significance = 0.3\nsources = ["news"]\n')
    config = load_config(path)
    news = config.sources["news"]
    assert (news.recheck_min, news.recheck_max) == (timedelta(minutes=10), timedelta(days=2))
    assert [(t.webhook, t.min_significance, t.sources) for t in config.notify] == [
        ("http://127.0.0.1:2/hook", 0.3, ("news",))]
    cases = {
        'schedule = "sometimes"\n': "field 'schedule': not a schedule: 'sometimes'",
        'recheck_min = "1d"\nrecheck_max = "1h"\n': "field 'recheck_min': must not be longer than recheck_max",
        'recheck_max = "forever"\n': "field 'recheck_max': not a duration",
        '[[notify]]\nwebhook = "ftp://x/"\n': "notify #1: field 'webhook': not an http(s) URL",
        '[[notify]]\nwebhook = "http://x/"\nsources = ["blog"]\n': "notify #1: field 'sources': unknown source 'blog'",
        '[[notify]]\nmin_significance = 0.5\n': "notify #1: field 'url': give exactly one of",
    }
    for extra, message in cases.items():
        path.write_text(base + extra)
        with pytest.raises(SourcesError) as error:
            load_config(path)
        assert message in str(error.value) and "\n" not in str(error.value)


def test_user_agent_and_headers_of_a_source(tmp_path):
    path = tmp_path / "sources.toml"
    base = '[[source]]\nname = "news"\nrole = "origin"\nstart_urls = ["http://127.0.0.1:1/"]\n'
    path.write_text(base + 'user_agent = "NewsWatch/1.0 (+mailto:desk@example.org)"\n'
                    '[source.headers]\nAccept-Language = "de"\nCookie = "consent=yes"\n')
    news = load_sources(path)["news"]
    assert news.user_agent == "NewsWatch/1.0 (+mailto:desk@example.org)"
    assert news.headers == (("Accept-Language", "de"), ("Cookie", "consent=yes"))
    assert news.as_dict()["headers"] == {"Accept-Language": "de", "Cookie": "consent=yes"}
    path.write_text(base)
    assert (load_sources(path)["news"].user_agent, load_sources(path)["news"].headers) == (None, ())
    cases = {
        'user_agent = ""\n': "field 'user_agent': must be one line of printable ASCII text",
        'user_agent = "a\\nb"\n': "field 'user_agent': must be one line of printable ASCII text",
        "user_agent = 7\n": "field 'user_agent': expected a string, got int",
        'headers = "X-A: 1"\n': "field 'headers': expected a table, got str",
        'headers = { "X A" = "1" }\n': "field 'headers': not a header name: 'X A'",
        'headers = { User-Agent = "x" }\n': "field 'headers': set the User-Agent with the 'user_agent' field",
        'headers = { If-None-Match = "x" }\n': "field 'headers': 'If-None-Match' is set by the crawl itself",
        'headers = { X-A = "1", x-a = "2" }\n': "field 'headers': 'x-a' given twice",
        'headers = { X-A = 1 }\n': "field 'headers': the value of 'X-A' must be one line of printable ASCII text",
        'headers = { X-A = "a\\r\\nX-B: 2" }\n': "field 'headers': the value of 'X-A' must be one line of printable ASCII text",
    }
    for extra, message in cases.items():
        path.write_text(base + extra)
        with pytest.raises(SourcesError) as error:
            load_sources(path)
        assert str(error.value) == f"{path}: source 'news': {message}"


def test_max_retry_after_and_proxy_of_a_source(tmp_path):
    path = tmp_path / "sources.toml"
    base = '[[source]]\nname = "news"\nrole = "origin"\nstart_urls = ["http://127.0.0.1:1/"]\n'
    path.write_text(base + 'max_retry_after = 60\nproxy = "http://walker:s3cr3t@127.0.0.1:3128"\n')
    news = load_sources(path)["news"]
    assert (news.max_retry_after, news.proxy) == (60.0, "http://walker:s3cr3t@127.0.0.1:3128")
    assert news.as_dict()["proxy"] == "http://walker:***@127.0.0.1:3128"
    path.write_text(base)
    assert (load_sources(path)["news"].max_retry_after, load_sources(path)["news"].proxy) == (300.0, None)
    for line, message in {"max_retry_after = -1\n": "field 'max_retry_after': must not be negative",
                          'proxy = "socks://walker:s3cr3t@127.0.0.1:1"\n':
                              "field 'proxy': not an http(s) URL: 'socks://walker:***@127.0.0.1:1'"}.items():
        path.write_text(base + line)
        with pytest.raises(SourcesError) as caught:
            load_sources(path)
        assert str(caught.value) == f"{path}: source 'news': {message}"
