"""Copy detection in the archive: relations, original choice, boilerplate, updates."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from storage.align import align
from storage.archive import Archive
from storage.reports.copies import compare_html, compare_report
from storage.types import Extracted, Fetch
from tests.conftest import shared_path

T0 = datetime(2026, 3, 1, tzinfo=UTC)
ORIGIN, MIRROR = "http://127.0.0.1:9001", "http://127.0.0.1:9002"

ARTICLE = [
    "Harbour authorities approved a plan on Monday to deepen the main shipping channel by two metres, allowing the largest container vessels to dock without waiting for high tide.",
    "The dredging will remove roughly four million cubic metres of sediment over three winters, when fewer ships use the port and fish spawning grounds are less disturbed.",
    "Environmental groups said the assessment underestimated the effect on the estuary's mudflats, which shelter tens of thousands of migrating birds every autumn.",
    "The port's director replied that a monitoring programme would measure turbidity every day and stop the work whenever agreed limits were exceeded.",
    "Shipping lines have warned for years that the port would lose traffic to its neighbours unless the channel was deepened for the newest generation of vessels.",
    "Local fishermen asked for compensation, arguing that the work would close their best grounds for most of three seasons and that no alternative had been offered.",
]
BLOG_FURNITURE = ["Share this:", "Published by Harbour Watch", "Leave a Reply", "Like this: Like Loading..."]


def ex(paragraphs, *, published=None, canonical=None, links=(), site=None):
    return Extracted("Harbour channel to be deepened", None, published, site, "en", canonical, tuple(paragraphs),
                     "trafilatura", "2.3.1", "test", tuple(links))


@pytest.fixture
def archive(db_url):
    archive = Archive.open(db_url)
    archive.ensure_source("port-news", role="origin", origin=ORIGIN)
    archive.ensure_source("harbour-watch", role="mirror", origin=MIRROR)
    archive.ensure_source("other-news", role="origin", origin="http://127.0.0.1:9003")
    yield archive
    archive.engine.dispose()


def put(archive, source, url, paragraphs, *, minutes=0, **kw):
    body = ("|".join(paragraphs) + repr(kw)).encode()
    return archive.record(Fetch(source, url, T0 + timedelta(minutes=minutes), 200, body), ex(paragraphs, **kw))


def blog_history(archive, n=4):
    """Other blog posts carrying the blog's furniture, so it is learned as boilerplate."""
    for i in range(n):
        put(archive, "harbour-watch", f"{MIRROR}/post-{i}/",
            [f"Post {i}: a short note about the lighthouse open day number {i} and its volunteers, who repainted the railings."]
            + BLOG_FURNITURE)


def only_copy(archive, url):
    (row,) = archive.copies(url)
    return row


@pytest.mark.parametrize(
    ("copy_text", "relation"),
    [
        (ARTICLE + BLOG_FURNITURE, "identical"),
        ([p.replace("'", "\u2019") .replace("  ", " ") for p in ARTICLE] + BLOG_FURNITURE, "cosmetic"),
        ([ARTICLE[0] + " " + ARTICLE[1]] + ARTICLE[2:] + BLOG_FURNITURE, "cosmetic"),
        (ARTICLE[2:4] + BLOG_FURNITURE, "excerpt"),
        (ARTICLE[:2] + [ARTICLE[2][:70]] + BLOG_FURNITURE, "excerpt"),
        ([ARTICLE[0].replace("two metres", "three metres")] + ARTICLE[1:] + BLOG_FURNITURE, "edited"),
        (ARTICLE + ["Our comment: the city council should publish the full environmental assessment before any contract is signed, and hold a public hearing in the harbour district so that residents can put their questions to the engineers.",
                    "We will follow the story and report on every council meeting where the dredging plan is discussed, starting with next month's budget session."]
         + BLOG_FURNITURE, "extended"),
    ],
)
def test_relations(archive, copy_text, relation):
    blog_history(archive)
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE)
    put(archive, "harbour-watch", f"{MIRROR}/copy/", copy_text, minutes=5)
    row = only_copy(archive, f"{ORIGIN}/a.html")
    assert (row["url"], row["relation"], row["original_url"]) == (f"{MIRROR}/copy/", relation, f"{ORIGIN}/a.html")
    assert row == only_copy(archive, f"{MIRROR}/copy/") | {"url": f"{MIRROR}/copy/", "source": "harbour-watch"}


def test_seed_style_excerpt_reports_paragraph_statuses(archive):
    blog_history(archive)
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE)
    curly = [ARTICLE[2].replace("estuary's", "estuary\u2019s"), ARTICLE[3], ARTICLE[4]]
    put(archive, "harbour-watch", f"{MIRROR}/copy/", curly + BLOG_FURNITURE, minutes=5)
    original, copy, reason, alignment = archive.compare(f"{MIRROR}/copy/", f"{ORIGIN}/a.html")
    assert (original.page.url, reason, alignment.relation) == (f"{ORIGIN}/a.html", "source role", "excerpt")
    statuses = [r.status for r in alignment.rows]
    assert statuses == ["omitted", "omitted", "cosmetic", "same", "same", "omitted"] + ["boilerplate"] * 4
    report = compare_report(original, copy, reason, alignment)
    assert report["summary"] == {"boilerplate": 4, "cosmetic": 1, "omitted": 3, "same": 2}
    assert report["precision"] == 1.0 and 0.4 < report["coverage"] < 0.6


def test_shared_quotation_is_not_a_copy(archive):
    quote = "\u201cWe will not accept a plan that sacrifices the estuary for a few hours saved by shipping lines,\u201d said the spokeswoman of the coalition."
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE + [quote])
    other = [
        "A coalition of twelve environmental groups announced a legal challenge against three infrastructure projects along the coast on Thursday.",
        quote,
        "The coalition's lawyers said the hearings could begin in the autumn, and that they would ask the court to suspend all work until a ruling is made.",
    ]
    put(archive, "other-news", "http://127.0.0.1:9003/b.html", other, minutes=5)
    assert archive.copies(f"{ORIGIN}/a.html") == []


@pytest.mark.parametrize("reason", ["declared attribution (link)", "declared attribution (name)", "canonical",
                                    "earlier published date", "earlier first capture"])
def test_original_choice_between_two_origins(archive, reason):
    # Both sources are origins, so the role cannot decide; the copy is recorded FIRST
    # unless the rule under test is the first capture.
    a_url, b_url = f"{ORIGIN}/a.html", "http://127.0.0.1:9003/b.html"
    copy_kw, original_kw = {}, {}
    if reason == "declared attribution (link)":
        copy_kw["links"] = [a_url]
    elif reason == "declared attribution (name)":
        copy_kw["extra"] = ["This article was originally published on Port News."]
        original_kw["site"] = "Port News"
    elif reason == "canonical":
        copy_kw["canonical"] = a_url
    elif reason == "earlier published date":
        original_kw["published"], copy_kw["published"] = "2026-02-01", "2026-02-03"
    extra = copy_kw.pop("extra", [])
    if reason == "earlier first capture":
        put(archive, "port-news", a_url, ARTICLE, **original_kw)
        put(archive, "other-news", b_url, ARTICLE + extra, minutes=5, **copy_kw)
    else:
        put(archive, "other-news", b_url, ARTICLE + extra, **copy_kw)
        put(archive, "port-news", a_url, ARTICLE, minutes=5, **original_kw)
    row = only_copy(archive, b_url)
    assert row["original_url"] == a_url
    assert row["original_reason"] == reason.split(" (")[0]


def test_attribution_is_stored_even_for_an_uncrawled_publisher(archive):
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE + ["This article was originally published on OneWorld."])
    (version,) = archive.versions(f"{ORIGIN}/a.html")
    assert version.attribution == {"names": ["OneWorld"], "links": []}


def test_links_follow_new_versions(archive):
    blog_history(archive)
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE)
    put(archive, "harbour-watch", f"{MIRROR}/copy/", ARTICLE + BLOG_FURNITURE, minutes=1)
    assert only_copy(archive, f"{ORIGIN}/a.html")["relation"] == "identical"
    # the original grows: the copy is now an excerpt of it
    longer = ARTICLE + ["An appeal is expected. " + ARTICLE[0], "The minister will decide by June. " + ARTICLE[1],
                        "Both sides have asked for a mediator. " + ARTICLE[3][::-1]]
    put(archive, "port-news", f"{ORIGIN}/a.html", longer, minutes=2)
    assert only_copy(archive, f"{ORIGIN}/a.html")["relation"] == "excerpt"
    # the copy is replaced by something else entirely: the link goes
    put(archive, "harbour-watch", f"{MIRROR}/copy/", ["Nothing to do with the port at all, just a recipe for plum cake with cinnamon and a crumble top."] + BLOG_FURNITURE, minutes=3)
    assert archive.copies(f"{ORIGIN}/a.html") == []


def test_boilerplate_is_learned_per_source(archive):
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE)
    put(archive, "harbour-watch", f"{MIRROR}/copy/", ARTICLE[:3] + BLOG_FURNITURE, minutes=1)
    before = archive.compare(f"{ORIGIN}/a.html", f"{MIRROR}/copy/")[3]
    assert before.summary.get("added") == 4 and "boilerplate" not in before.summary
    blog_history(archive)
    archive.refresh_links("harbour-watch")
    after = archive.compare(f"{ORIGIN}/a.html", f"{MIRROR}/copy/")[3]
    assert after.summary["boilerplate"] == 4 and "added" not in after.summary
    assert only_copy(archive, f"{ORIGIN}/a.html")["precision"] == 1.0
    # the furniture stays in the stored text
    assert archive.versions(f"{MIRROR}/copy/")[0].paragraphs[-4:] == BLOG_FURNITURE


def test_html_report_escapes_scraped_text(archive):
    evil = ARTICLE[:2] + ['<script>alert("x")</script> and <img src=x onerror=alert(1)>']
    blog_history(archive)
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE)
    put(archive, "harbour-watch", f"{MIRROR}/copy/", evil + BLOG_FURNITURE, minutes=1)
    html = compare_html(compare_report(*archive.compare(f"{ORIGIN}/a.html", f"{MIRROR}/copy/")))
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert re.search(r"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'", html)


def test_word_diff_of_an_edited_paragraph():
    a = align([ARTICLE[0]], [ARTICLE[0].replace("two metres", "three metres")])
    (row,) = a.rows
    assert row.status == "edited"
    assert ("-", "two") in row.words and ("+", "three") in row.words


def test_seed_texts_align_as_an_excerpt():
    seeds = shared_path("seeds")
    original = [re.sub(r"\[([^\]]*)\]\(#\)", r"\1", p) for p in (seeds / "001_243709d744910592.txt").read_text().split("\n") if p.strip()]
    copy = [p for p in (seeds / "000_cf0fd60646d1cbbd.txt").read_text().split("\n") if p.strip()]
    furniture = set(range(copy.index("Published by TCTTNews"), len(copy)))
    a = align(original, copy, copy_boilerplate=furniture)
    assert a.relation == "excerpt" and a.is_copy
    shared = [r for r in a.rows if r.status in ("same", "cosmetic")]
    assert [r.copy for r in shared[-3:]] == [copy[2], copy[3], copy[5]] or len(shared) >= 5
    assert a.summary["boilerplate"] == len(furniture)
    assert "added" not in a.summary or a.summary["added"] <= 1  # the post's title repeated in its footer


def test_links_beyond_the_candidate_limit_survive_a_new_version(archive, monkeypatch):
    from storage import copies

    archive.ensure_source("relay-2", role="mirror", origin="http://127.0.0.1:9004")
    archive.ensure_source("relay-3", role="mirror", origin="http://127.0.0.1:9005")
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE)
    for n, source in enumerate(("harbour-watch", "relay-2", "relay-3")):
        put(archive, source, f"http://127.0.0.1:{9002 + n if n == 0 else 9003 + n}/copy/", ARTICLE, minutes=n + 1)
    assert len(archive.copies(f"{ORIGIN}/a.html")) == 3
    monkeypatch.setattr(copies, "MAX_CANDIDATES", 1)
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE + ["A short update was added at noon today."], minutes=10)
    assert sorted(r["relation"] for r in archive.copies(f"{ORIGIN}/a.html")) == ["excerpt"] * 3


def test_a_title_repeated_in_the_footer_leaves_the_copy_own_title_paired():
    # A copy's title carries its site's name and the post's title comes again in its footer:
    # the copy's title is the original's title, edited; the footer repeat is what the copy adds.
    title = "Harbour cranes return to the north quay after a year of repairs"
    original = [title, *ARTICLE[:3]]
    copy = [f"{title} \u2013 The Daily Relay", ARTICLE[0], ARTICLE[1], title]
    a = align(original, copy)
    assert [(r.status, r.original, r.copy) for r in a.rows] == [
        ("edited", title, copy[0]),
        ("same", ARTICLE[0], ARTICLE[0]),
        ("same", ARTICLE[1], ARTICLE[1]),
        ("omitted", ARTICLE[2], None),
        ("added", None, title),
    ]
    assert ("+", "\u2013 The Daily Relay") in a.rows[0].words


def test_a_story_on_more_pages_than_max_df_still_finds_its_original(archive, monkeypatch):
    # Once a story is on more than MAX_DF pages every hash of it is "frequent": its next copy
    # must still be linked, through the pages that are already the original of a link.
    from storage import copies

    monkeypatch.setattr(copies, "MAX_DF", 2)
    for n in range(3):
        archive.ensure_source(f"relay-{n}", role="mirror", origin=f"http://127.0.0.1:{9010 + n}")
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE)
    put(archive, "harbour-watch", f"{MIRROR}/copy/", ARTICLE, minutes=1)
    for n in range(3):  # on 3, 4 and 5 pages: beyond MAX_DF
        put(archive, f"relay-{n}", f"http://127.0.0.1:{9010 + n}/story/", ARTICLE[: 5 - n], minutes=2 + n)
    rows = archive.copies(f"{ORIGIN}/a.html")
    assert sorted((r["url"], r["relation"], r["original_url"]) for r in rows) == [
        (f"{MIRROR}/copy/", "identical", f"{ORIGIN}/a.html"),
        *((f"http://127.0.0.1:{9010 + n}/story/", "excerpt", f"{ORIGIN}/a.html") for n in range(3)),
    ]


def test_stock_phrases_on_more_pages_than_max_df_find_nothing(archive, monkeypatch):
    # A text that shares only a frequent phrase with linked originals is no syndicated story:
    # not even a candidate, unless the share of frequent hashes that makes one is lowered.
    from storage import copies

    monkeypatch.setattr(copies, "MAX_DF", 2)
    stock = "Subscribe to our newsletter to receive the latest harbour news every morning in your inbox."
    put(archive, "port-news", f"{ORIGIN}/a.html", ARTICLE + [stock])
    put(archive, "harbour-watch", f"{MIRROR}/copy/", ARTICLE + [stock], minutes=1)
    other = ["The ferry timetable changes on Sunday, with two extra crossings in the evening and an earlier first boat.",
             "Ticket prices stay the same, the operator said, although season passes will cost slightly more from May.",
             stock]
    put(archive, "other-news", "http://127.0.0.1:9003/ferry.html", other, minutes=2)
    ferry = archive.page("http://127.0.0.1:9003/ferry.html")
    with archive.session() as s:
        assert copies.candidates(s, ferry.id, ferry.source_id) == []
        monkeypatch.setattr(copies, "SYNDICATED_SHARE", 0.2)  # a quarter of its hashes are the phrase's
        assert copies.candidates(s, ferry.id, ferry.source_id) == [archive.page(f"{ORIGIN}/a.html").id]
    assert archive.copies("http://127.0.0.1:9003/ferry.html") == []
