"""Which answers are walls: the services' challenge and block pages (fixtures), walls that
replace a known article, a source's error template; and articles that only mention them."""

import gzip
import json
import re
from pathlib import Path

import pytest

from crawler.crawl.walls import ErrorTemplates, block_page, replaces_article
from tests.support.sites import PARAGRAPHS, article_html

WALLS = Path(__file__).parents[2] / "data" / "walls"
SPEC = json.loads((WALLS / "walls.json").read_text())
ARTICLES = sorted(Path("/work/shared/data/article-pages/html").glob("*.html.gz"))
ARTICLE = " ".join(PARAGRAPHS * 3)


@pytest.mark.parametrize("name", sorted(SPEC))
def test_each_service_wall_is_named(name):
    spec = SPEC[name]
    assert block_page(spec["status"], list(spec["headers"].items()), (WALLS / name).read_bytes()) == spec["says"]


def test_the_cloudflare_challenge_header_alone_names_it():
    assert block_page(503, [("cf-mitigated", "challenge")], b"") == "blocked by the site: Cloudflare challenge (HTTP 503)"


def test_a_plain_server_error_is_no_wall():
    assert block_page(503, [("Server", "nginx")], b"<html><body>error</body></html>") is None
    assert block_page(403, [("Server", "nginx")], b"<html><title>Members area</title></html>") is None


def test_no_real_article_is_a_wall():
    assert len(ARTICLES) > 100
    walls = [(p.name, why) for p in ARTICLES if (why := block_page(200, [], gzip.decompress(p.read_bytes())))]
    assert walls == []


# Edits that make a real article mention walls: (pattern, replacement), applied once.
MENTIONS = [
    (r"(<title[^>]*>)", r"\1Access Denied: how a bank locked out its customers | "),  # the title says it
    (r"</p>|</div>", ' The screen said "Just a moment..." and then: Access denied. Please solve the captcha.</p>'),  # the text says it
    (r"</body>", '<script src="https://www.google.com/recaptcha/api.js"></script>'
                 '<form><div class="g-recaptcha" data-sitekey="x"></div></form></body>'),  # a comment form
    (r"</body>", "<p>Our site is protected by Cloudflare; the Cloudflare Ray ID is shown on errors.</p></body>"),
]


def mention(html: str, edit) -> str:
    edited = re.sub(edit[0], edit[1], html, count=1, flags=re.IGNORECASE)
    assert edited != html
    return edited


@pytest.mark.parametrize("edit", MENTIONS)
def test_an_article_that_mentions_walls_is_no_wall(edit):
    for path in ARTICLES[:20]:
        html = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        assert block_page(200, [], mention(html, edit).encode()) is None, path.name


def test_a_subscription_wall_replaces_the_article():
    wall = "This article is for subscribers only. Subscribe to continue reading."
    assert replaces_article(wall, ARTICLE) == (
        f"blocked by the site: a wall replaces the article ({len(wall)} characters where the article has "
        f"{len(ARTICLE)}; says continue reading, subscribe, subscribers)")


def test_a_consent_wall_replaces_the_article():
    wall = "We value your privacy. We and our partners use cookies. Accept all or manage your privacy settings."
    assert replaces_article(wall, ARTICLE).startswith("blocked by the site: a wall replaces the article (")


def test_a_short_stranger_replaces_the_article():
    other = "Welcome to our new homepage. Find the weather, the markets and tonight's television listings."
    assert replaces_article(other, ARTICLE).startswith("blocked by the site: another text replaces the article (")


def test_a_truncated_article_or_a_long_rewrite_is_not_a_wall():
    assert replaces_article(PARAGRAPHS[0], ARTICLE) is None  # its own first paragraph: a truncation
    assert replaces_article(" ".join(PARAGRAPHS[:2]) + " Subscribers get the newsletter.", " ".join(PARAGRAPHS)) is None
    assert replaces_article("Subscribe now", "") is None  # no known article to replace
    cut = " ".join(PARAGRAPHS * 4) + " Readers can sign in to comment."  # long: an article, however cut
    assert replaces_article(cut, cut * 3) is None


def test_a_truncated_article_whose_own_text_has_wall_words_is_no_wall():
    own = ["Readers who sign in can now choose which cookies the site keeps, the editor wrote on Monday.",
           "The change follows complaints about the consent banner shown on every visit since March."]
    article = " ".join(own + PARAGRAPHS * 2)
    assert replaces_article(" ".join(own), article) is None  # cut after its own paragraphs: a truncation
    # The same cut with a wall's words the article does not say is a wall.
    walled = " ".join(own) + " Subscribe to continue reading."
    assert replaces_article(walled, article).endswith("; says continue reading, subscribe)")


def test_the_same_short_text_on_three_pages_is_the_error_template():
    templates = ErrorTemplates()
    text = "Service temporarily unavailable. Please try again later."
    assert templates.check("/a", text) is None
    assert templates.check("/b", text) is None
    assert templates.check("/a", text) is None  # the same page again is not another page
    assert templates.check("/c", text) == ("blocked by the site: its error template, the same text on 3 pages "
                                           "('Service temporarily unavailable. Please try again later.')")
    assert templates.check("/d", ARTICLE) is None  # long texts are articles
    assert templates.check("/e", "A short note.") is None
