"""Paragraph alignment of a copy with its original: word diffs, the seed texts, titles in furniture;
and properties of the alignment on generated texts (hypothesis)."""

import re

from storage.copies.align import align
from storage.copies.relation import MINOR_TOKENS
from tests.support.databases import shared_path
from tests.support.records import ARTICLE


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


# -- properties (hypothesis)


from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- alignment -------------------------------------------------------------------------------

VOCABULARY = ("harbour channel dredging vessels tide sediment winter estuary birds turbidity port "
              "director shipping lines traffic fishermen compensation grounds season council tram line "
              "districts debate supporters commuting residents buses opponents estimate euros shops "
              "spring authority works contract budget report minister election vote river bridge "
              "repairs library hours garden reopens volunteers railings lighthouse").split()


def words(vocabulary=VOCABULARY, min_words=8):
    return st.lists(st.sampled_from(vocabulary), min_size=min_words, max_size=min_words + 14)


@st.composite
def texts(draw, *, min_size=1, max_size=12, tag="o", vocabulary=VOCABULARY, min_words=8):
    """Distinct paragraphs, each carrying a marker word (o0, o1 ... / c0, c1 ...) that names it.

    ``min_words=MINOR_TOKENS``: paragraphs of the article's body, none a line that a copy may
    drop or add as furniture (``storage.copies.relation``): sentences, not lines of a list."""
    bodies = draw(st.lists(words(vocabulary, min_words), min_size=min_size, max_size=max_size))
    return [f"{tag}{n} " + " ".join(body) + "." for n, body in enumerate(bodies)]


def accounted(rows, side: str, paragraphs: list[str], tag: str) -> list[int]:
    """Indexes of the paragraphs each row carries on one side; checks the row's text is exactly them."""
    seen = []
    for row in rows:
        text = getattr(row, side)
        if text is None:
            continue
        indexes = sorted(int(m) for m in re.findall(rf"(?:^| ){tag}(\d+) ", text))
        assert indexes, text
        assert text == " ".join(paragraphs[i] for i in indexes)
        seen += indexes
    return sorted(seen)


@st.composite
def pairs(draw):
    """An original and a copy made from it: kept, reordered, edited, dropped and added paragraphs."""
    original = draw(texts(max_size=10))
    copy = []
    for i, p in enumerate(original):
        action = draw(st.sampled_from(["keep", "keep", "drop", "edit", "typo"]))
        if action == "keep":
            copy.append(p)
        elif action == "edit":
            body = p.split()[1:]
            body[draw(st.integers(0, len(body) - 1))] = draw(st.sampled_from(VOCABULARY))
            copy.append(" ".join(["x"] + body))
        elif action == "typo":
            copy.append(p.replace(" ", "\u00a0", 2).upper())
    if draw(st.booleans()):
        copy = draw(st.permutations(copy))
    copy += draw(texts(min_size=0, max_size=3, tag="n"))
    # every copy paragraph gets its own marker c<N> in front
    return original, [f"c{n} {p}" for n, p in enumerate(copy)]


@SETTINGS
@given(pairs())
def test_an_alignment_accounts_for_every_paragraph_of_both_exactly_once(pair):
    original, copy = pair
    result = align(original, copy)
    assert accounted(result.rows, "original", original, "o") == list(range(len(original)))
    assert accounted(result.rows, "copy", copy, "c") == list(range(len(copy)))
    assert sum(result.summary.values()) == len(result.rows)
    assert 0.0 <= result.coverage <= 1.0 and 0.0 <= result.precision <= 1.0


# -- copy relations ---------------------------------------------------------------------------

@SETTINGS
@given(texts(min_size=2))
def test_identical_text_is_identical(original):
    result = align(original, list(original))
    assert (result.relation, result.coverage, result.precision) == ("identical", 1.0, 1.0)


@SETTINGS
@given(texts(min_size=2))
def test_typography_only_is_cosmetic(original):
    result = align(original, [p.upper().replace(" ", "\u00a0", 1) for p in original])
    assert result.relation == "cosmetic"


@SETTINGS
@given(texts(min_size=3, min_words=MINOR_TOKENS), st.data())
def test_a_copy_that_leaves_out_a_real_part_of_the_body_is_an_excerpt(original, data):
    # a paragraph inside the article, or a head or tail of more than a quarter of it
    n = len(original)
    if data.draw(st.booleans()):
        dropped = data.draw(st.integers(1, n - 2))
        keep = [i for i in range(n) if i != dropped]
    else:
        size = data.draw(st.integers(1, max(1, (3 * n) // 4 - 1)))
        start = data.draw(st.sampled_from([0, n - size]))
        keep = list(range(start, start + size))
    result = align(original, [original[i] for i in keep])
    assert result.relation == "excerpt"
    assert result.precision == 1.0 and result.coverage < 1.0


@SETTINGS
@given(texts(min_size=4, min_words=MINOR_TOKENS))
def test_subheadings_left_out_leave_the_whole_article(original):
    headed = [p for i, p in enumerate(original) for p in ((f"h{i} Part {i}",) if i else ()) + (p,)]
    result = align(headed, original)
    assert result.relation == "cosmetic" and result.body_coverage == 1.0
    assert result.coverage < 1.0 and result.summary["omitted"] == len(original) - 1


@SETTINGS
@given(texts(min_size=2), texts(min_size=1, max_size=4, tag="n", min_words=MINOR_TOKENS))
def test_the_whole_text_plus_more_is_extended(original, extra):
    result = align(original, original + extra)
    assert result.relation == "extended"
    assert result.coverage == 1.0 and result.precision < 1.0


@SETTINGS
@given(texts(min_size=2, max_size=6, vocabulary=VOCABULARY[::2]),
       texts(min_size=2, max_size=6, tag="n", vocabulary=VOCABULARY[1::2]))
def test_texts_without_a_common_word_are_not_copies(a, b):
    result = align(a, b)
    assert not result.is_copy and result.matched_tokens < 25
