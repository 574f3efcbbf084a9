"""The allow pattern proposed from listed URLs: it takes the articles and leaves sections, tags and the home page."""

import re

import pytest

from crawler.probe.allow import propose_allow

B = "http://127.0.0.1:8001"


def takes(pattern: tuple[str, ...], url: str) -> bool:
    return any(re.search(p, url) for p in pattern)


@pytest.mark.parametrize(
    ("listed", "others", "allow", "articles", "not_articles"),
    [
        # A news site: dated article paths; its sitemap also lists a section page.
        ([f"{B}/articles/2026/03/story-{i}.html" for i in range(5)] + [f"{B}/section/world/"],
         [f"{B}/tag/economy/", f"{B}/articles/", f"{B}/about.html"],
         (r"/articles/\d{4}/\d{2}/[^/]+\.html$",),
         [f"{B}/articles/2025/12/an-older-story.html"],
         [f"{B}/section/world/", f"{B}/articles/", f"{B}/articles/2026/03/", f"{B}/tag/economy/"]),
        # WordPress: /YYYY/MM/DD/slug/, category and tag pages end with a slash too.
        ([f"{B}/2026/03/{d:02d}/post-number-{d}/" for d in range(1, 9)],
         [f"{B}/category/news/", f"{B}/2026/03/"],
         (r"/\d{4}/\d{2}/\d{2}/[^/]+/$",),
         [f"{B}/2025/01/31/a-new-year/"],
         [f"{B}/category/news/", f"{B}/tag/trams/", f"{B}/2026/03/"]),
        # Many sections: the directory that varies is merged, anchored at the host.
        ([f"{B}/{s}/story-{i}.html" for s in ("news", "sport", "world", "culture", "tech") for i in range(3)],
         [f"{B}/about.html"],
         (r"^https?://[^/]+/[^/]+/[^/]+\.html$",),
         [f"{B}/science/story-9.html"],
         [f"{B}/about.html", f"{B}/news/"]),
        # Articles by id in a query string.
        ([f"{B}/article.php?id={i}" for i in range(4)], [f"{B}/index.php"],
         (r"^https?://[^/]+/article\.php\?",),
         [f"{B}/article.php?id=99"],
         [f"{B}/index.php", f"{B}/article.php"]),
    ],
)
def test_proposals_take_articles_and_leave_listing_pages(listed, others, allow, articles, not_articles):
    proposal = propose_allow(listed, others)
    assert proposal.allow == allow
    assert all(takes(allow, url) for url in articles)
    assert not [url for url in not_articles if takes(allow, url)]
    assert proposal.others_matched == ()


def test_two_kinds_of_articles_get_a_pattern_each_and_the_counts_say_what_is_left():
    news = [f"{B}/news/2026/story-{i}.html" for i in range(6)]
    opinion = [f"{B}/opinion/columnist-{i}/" for i in range(4)]
    proposal = propose_allow([*news, *opinion, f"{B}/news/"], [f"{B}/news/2026/linked-only.html", f"{B}/contact/"])
    assert proposal.allow == (r"/news/\d{4}/[^/]+\.html$", "/opinion/[^/]+/$")
    assert (proposal.listed, proposal.listed_matched, proposal.unmatched) == (11, 10, (f"{B}/news/",))
    assert proposal.others_matched == (f"{B}/news/2026/linked-only.html",)


def test_nothing_listed_nothing_proposed():
    proposal = propose_allow([], [])
    assert (proposal.allow, proposal.listed, proposal.listed_matched) == ((), 0, 0)
