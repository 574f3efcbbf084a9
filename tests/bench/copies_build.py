"""The pairs of the real-page copy benchmark, built the way copies are made.

Originals are real pages served with their own markup (``shared/data/wcxb-dev`` articles and
``shared/data/article-pages``). A copy is made from the article as a person reads it (the
page's human-marked main text), changed the way republishers change it, and served under a
foreign blog template with its own furniture (share buttons, "Like this:", related posts,
newsletter and cookie prompts). What a reader would call each copy is the kind's ``expect``:
``whole`` (the article, identical or with cosmetic differences), ``excerpt``, ``extended``
or ``edited``. Negatives: real unrelated pages, and two articles of one site sharing its template.
"""

from __future__ import annotations

import gzip
import html
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
WCXB, PAGES = DATA / "wcxb-dev", DATA / "article-pages"
WHOLE = ("identical", "cosmetic")  # the relations a reader calls "the whole article"


@dataclass(frozen=True)
class Article:
    id: str
    url: str
    html: bytes
    title: str
    body: tuple[str, ...]  # the human-marked main text, one paragraph a line
    headings: frozenset[int]  # indexes of the body's subheadings


@dataclass
class Case:
    kind: str
    expect: str | None  # whole | excerpt | extended | edited; None: a negative
    original: Article
    copy_html: str  # the copy's page (or, for a real negative, the other real page)
    copy_title: str
    attribution: bool = False  # the copy names the original's site
    original_html: str | None = None  # the original served otherwise than with its own markup


def load_articles() -> list[Article]:
    """Articles with at least six paragraphs and 250 words of human-marked text."""
    out = []
    for path in sorted((WCXB / "ground-truth").glob("*.json")):
        doc = json.loads(path.read_text())
        truth = doc.get("ground_truth", {})
        if doc.get("_internal", {}).get("page_type", {}).get("primary") != "article" or not truth.get("main_content"):
            continue
        body = [" ".join(p.split()) for p in truth["main_content"].split("\n\n") if p.strip()]
        marked = {_plain(line.lstrip("#")) for line in (truth.get("main_content_markdown") or "").split("\n")
                  if line.startswith("#")}
        heads = frozenset(i for i, p in enumerate(body) if _plain(p) in marked)
        file_id = path.stem
        page = WCXB / "html" / f"{file_id}.html.gz"
        out.append(Article(f"wcxb-{file_id}", doc.get("url") or f"https://wcxb.example/{file_id}",
                           gzip.decompress(page.read_bytes()), truth.get("title") or "", tuple(body), heads))
    truth = json.loads((PAGES / "ground-truth.json").read_text())
    for key in sorted(truth):
        body = [" ".join(p.split()) for p in truth[key]["articleBody"].split("\n") if p.strip()]
        heads = frozenset(i for i, p in enumerate(body) if _heading_like(p))
        out.append(Article(f"pages-{key}", truth[key].get("url") or f"https://pages.example/{key}",
                           gzip.decompress((PAGES / "html" / f"{key}.html.gz").read_bytes()), "", tuple(body), heads))
    return [a for a in out if len(a.body) - len(a.headings) >= 6 and sum(len(p.split()) for p in a.body) >= 250]


def _plain(text: str) -> str:
    return " ".join(text.replace("**", "").split()).strip()


def _heading_like(p: str) -> bool:
    return len(p.split()) <= 10 and not re.search(r"[.!?:;\"\u201d]$", p)


# -- foreign blog templates ----------------------------------------------------------------

TEMPLATES = {
    "wordpress": (
        "<header class='site-header'><p class='site-title'><a href='/'>{site}</a></p><nav><ul><li><a href='/'>Home</a>"
        "</li><li><a href='/about/'>About</a></li><li><a href='/contact/'>Contact</a></li></ul></nav></header>"
        "<main><article class='post'><h1 class='entry-title'>{title}</h1><div class='entry-meta'>Posted on "
        "<time datetime='{date}'>{date}</time> by admin</div><div class='entry-content'>{body}"
        "<div class='sharedaddy'><h3>Share this:</h3><ul><li><a href='#'>Twitter</a></li><li><a href='#'>Facebook"
        "</a></li></ul></div><div class='likes'><h3>Like this:</h3><p>Like Loading...</p></div>"
        "<div class='related'><h3>Related</h3></div></div></article><div id='comments'><h3>Leave a Reply</h3>"
        "<p>Your email address will not be published. Required fields are marked *</p></div></main>"
        "<aside><h2>Recent Posts</h2><ul><li><a href='/p/1'>Hello world!</a></li></ul></aside>"
        "<footer><p>Proudly powered by WordPress</p></footer>"),
    "blogger": (
        "<div class='header'><h1><a href='/'>{site}</a></h1></div><div class='main'><div class='post hentry'>"
        "<h3 class='post-title'>{title}</h3><div class='post-body entry-content'>{body}</div>"
        "<div class='post-footer'><p>Posted by Editor at {date}</p><p>Email This BlogThis! Share to Twitter "
        "Share to Facebook</p><p>Labels: news</p></div></div><div class='comments'><h4>No comments:</h4>"
        "<p>Post a Comment</p></div></div><div class='sidebar'><h2>Blog Archive</h2><ul><li>2026 (12)</li></ul>"
        "</div><div class='footer'>Simple theme. Powered by Blogger.</div>"),
    "ghost": (
        "<header class='gh-head'><a class='gh-head-logo' href='/'>{site}</a><a href='/signup/'>Subscribe</a>"
        "</header><main class='gh-main'><article class='gh-article post'><header class='gh-article-header'>"
        "<h1 class='gh-article-title'>{title}</h1><time datetime='{date}'>{date}</time></header>"
        "<section class='gh-content'>{body}</section><section class='gh-cta'><p>Sign up for {site} newsletter "
        "and get the latest stories in your inbox.</p><p>Subscribe</p></section></article></main>"
        "<footer class='gh-foot'><p>{site} &copy; 2026</p><p>Powered by Ghost</p></footer>"),
    "magazine": (
        "<div id='cookie'><p>We use cookies to give you the best experience on our website. By continuing you "
        "agree to our use of cookies.</p><button>Accept</button></div><header><div class='logo'>{site}</div>"
        "<nav><a href='/'>News</a> <a href='/world'>World</a> <a href='/tech'>Tech</a></nav></header>"
        "<div class='container'><article><h1>{title}</h1><p class='byline'>By Staff Writer | {date}</p>"
        "<div class='article-body'>{body}<p class='tags'>Tags: news, featured</p>"
        "<div class='box'><p>Get our newsletter</p><p>The best stories of the week, every Friday.</p>"
        "</div></div></article><aside class='trending'><h3>Trending now</h3><ol><li><a href='/a'>Ten things "
        "to do this weekend</a></li><li><a href='/b'>Why the market fell</a></li></ol></aside></div>"
        "<footer><p>&copy; 2026 {site}. All rights reserved.</p><p>Privacy Policy | Terms of Use</p></footer>"),
    "medium": (
        "<nav class='topbar'><a href='/'>{site}</a> <a href='/m/signin'>Sign in</a></nav><article><div "
        "class='section-content'><h1>{title}</h1><div class='author'>Jane Doe · Follow · 6 min read · {date}"
        "</div>{body}<div class='post-actions'><p>Share this:</p><p>Twitter</p><p>Facebook</p>"
        "<p>Loading...</p></div></div></article><div class='more'><h2>More from {site}</h2><p>Sign up to "
        "discover human stories that deepen your understanding of the world.</p></div>"),
}
SITES = ["The Daily Relay", "Northside Notes", "Quiet Harbour Blog", "Open Ledger", "Tern & Tide"]


def render(template: str, site: str, title: str, body: list[str], headings: set[int] = frozenset(),
           date: str = "2026-05-02") -> str:
    """A page of ``template`` carrying ``body`` (indexes in ``headings`` as subheadings)."""
    parts = [f"<h2>{html.escape(p)}</h2>" if i in headings else f"<p>{html.escape(p)}</p>"
             for i, p in enumerate(body)]
    page = TEMPLATES[template].format(site=html.escape(site), title=html.escape(title), body="".join(parts),
                                      date=date)
    return f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)} - " \
           f"{html.escape(site)}</title></head><body>{page}</body></html>"


# -- changes a republisher makes -----------------------------------------------------------

NOTES = ["Editor's note: this story is republished with permission. We added local figures from our own "
         "reporting in the section below and will update it as the situation develops.",
         "Our take: the points above matter for every reader of this blog, and we will follow up with a "
         "longer piece of our own on what it means for the neighbourhood next week."]
CLOSING = "What do you think? Tell us in the comments below, and share this post with a friend who would enjoy it."
READ_MORE = "Read the full article on the original site."
FILLER = ["reportedly", "nevertheless", "considerably", "allegedly", "formerly", "indeed", "notably"]


def curly(p: str) -> str:
    p = re.sub(r'"(\w)', "\u201c\\1", p).replace('"', "\u201d").replace("'", "\u2019")
    return p.replace(" - ", " \u2014 ").replace("...", "\u2026").replace(", ", ",  ", 1)


def sentences(p: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\u201c\"])", p) if s]


def edit_words(p: str, rng: random.Random, k: int) -> str:
    words = p.split()
    for i in rng.sample(range(len(words)), k=min(k, len(words))):
        words[i] = rng.choice(FILLER)
    return " ".join(words)


def changes(a: Article, rng: random.Random) -> dict[str, tuple[str, list[str], set[int]]]:
    """kind -> (expected relation, copy paragraphs, indexes of subheadings in them)."""
    body, heads = list(a.body), set(a.headings)
    text = [i for i in range(len(body)) if i not in heads]  # the paragraphs that are not subheadings
    long_ones = [i for i in text if len(body[i].split()) >= 40] or text
    plain = [body[i] for i in text]
    n = len(text)
    head = rng.randint(max(2, n // 5), max(2, n // 2))
    mid = rng.randint(n // 4, n // 2)
    cut = body[text[head]].split()
    edits_few = set(rng.sample(long_ones, k=min(2, len(long_ones))))
    edited_few = [edit_words(p, rng, 3) if i in edits_few else p for i, p in enumerate(body)]
    edited_all = [p if i in heads else edit_words(p, rng, max(3, len(p.split()) // 6)) for i, p in enumerate(body)]
    merged = [plain[i] + " " + plain[i + 1] if i + 1 < n else plain[i] for i in range(0, n, 2)]
    split = [s for p in plain for s in sentences(p)]
    return {
        "whole": ("whole", body, heads),
        "whole without subheadings": ("whole", plain, set()),
        "typography": ("whole", [curly(p) for p in body], heads),
        "merged paragraphs": ("whole", merged, set()),
        "split paragraphs": ("whole", split, set()),
        "retitled": ("whole", body, heads),
        "whole + attribution and share lines": ("whole", body + ["Share this:", "Like this:", "Loading..."], heads),
        "excerpt: head": ("excerpt", plain[:head], set()),
        "excerpt: head + read-more line": ("excerpt", plain[:head] + [READ_MORE], set()),
        "excerpt: middle": ("excerpt", plain[mid:mid + max(2, n // 4)], set()),
        "excerpt: one paragraph": ("excerpt", [body[rng.choice(long_ones)]], set()),
        "excerpt: truncated mid-paragraph": ("excerpt", plain[:head] + [" ".join(cut[: len(cut) // 2]) + "\u2026",
                                                                         READ_MORE], set()),
        "extended: editor's note": ("extended", [rng.choice(NOTES)] + body + [CLOSING], {i + 1 for i in heads}),
        "edited: a few places": ("edited", edited_few, heads),
        "edited: throughout": ("edited", edited_all, heads),
    }


KINDS = list(changes(Article("", "", b"", "", tuple(f"p {i} one two. Three four." for i in range(8)), frozenset()),
                     random.Random(0)))


def build(articles: list[Article], rng: random.Random, per_kind: int, usable=lambda a: True) -> list[Case]:
    """``per_kind`` pairs of each kind of change, then negatives (four times as many of each sort).

    ``usable``: whether an original's extraction holds its article (the benchmark measures
    relations, not extraction: an original whose article the extractor misses is left out)."""
    pool = list(articles)
    rng.shuffle(pool)
    pool = _usable(pool, usable, per_kind * (len(KINDS) + 8))
    cases: list[Case] = []
    for n in range(per_kind):
        for k, kind in enumerate(KINDS):
            a = pool[(n * len(KINDS) + k) % len(pool)]
            expect, paragraphs, heads = changes(a, rng)[kind]
            title = a.title or paragraphs[0][:60]
            if kind == "retitled":
                title = f"You have to read this: {title.lower()}"
            if kind == "whole + attribution and share lines":
                paragraphs = paragraphs + [f"This article was originally published on {_site(a)}."]
            template, site = rng.choice(list(TEMPLATES)), rng.choice(SITES)
            cases.append(Case(kind, expect, a, render(template, site, title, paragraphs, heads), title,
                              attribution=kind.startswith("whole + attribution")))
    used = len(cases)
    for n in range(per_kind * 4):  # two real pages of different sites
        a, b = pool[(used + 2 * n) % len(pool)], pool[(used + 2 * n + 1) % len(pool)]
        cases.append(Case("negative: unrelated real pages", None, a, b.html.decode("utf-8", "replace"), b.title))
    for n in range(per_kind * 4):  # one blog theme, two articles: only the template is shared
        a, b = rng.sample(pool, 2)
        template, site = rng.choice(list(TEMPLATES)), rng.choice(SITES)
        a_title, b_title = a.title or "Post", b.title or "Another post"
        cases.append(Case("negative: same template, other article", None, a,
                          render(template, site, b_title, list(b.body), set(b.headings)), b_title,
                          original_html=render(template, site, a_title, list(a.body), set(a.headings), "2026-04-20")))
    return cases


LEFT_OUT: list[str] = []  # originals whose extraction misses their article


def _usable(pool: list[Article], usable, need: int) -> list[Article]:
    out = []
    for a in pool:
        if len(out) == need:
            break
        if usable(a):
            out.append(a)
        else:
            LEFT_OUT.append(a.id)
    return out


def background(rng: random.Random) -> list[tuple[str, str, str]]:
    """(site, url path, page) of other blogs on the templates: one or two short posts each."""
    pages = []
    for t, template in enumerate(TEMPLATES):
        for s in range(3):
            site = f"{SITES[(t + s) % len(SITES)]} {s + 1}"
            for n in range(1 + s % 2):
                topic = rng.choice(["the weekend market", "the new cycle lane", "the library's opening hours",
                                    "the school fair", "the river clean-up"])
                body = [f"Post {t}.{s}.{n} of {site}: a few words about {topic}, the parking rules near the "
                        f"station and what changed this month for stall {n} and its neighbours."]
                pages.append((site, f"/2026/04/{10 + n}/post-{t}-{s}-{n}/", render(template, site, f"Notes {n}", body)))
    return pages


def _site(a: Article) -> str:
    host = re.sub(r"^https?://(www\.)?", "", a.url).split("/")[0]
    return host or "the original site"
