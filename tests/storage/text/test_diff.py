"""Paragraph diffs of two versions."""

from storage.text.diff import change_summary, diff_paragraphs


def test_paragraph_diff_statuses():
    old = ["Title", "One two three four.", "Kept as is.", "Dropped entirely."]
    new = ["Title", "One two three four five.", "Kept as is.", "Something unrelated and new."]
    assert [(d.status, d.old, d.new) for d in diff_paragraphs(old, new)] == [
        ("same", "Title", "Title"),
        ("changed", "One two three four.", "One two three four five."),
        ("same", "Kept as is.", "Kept as is."),
        ("removed", "Dropped entirely.", None),
        ("added", None, "Something unrelated and new."),
    ]
    s = change_summary(old, new)
    assert (s.paragraphs_added, s.paragraphs_removed, s.paragraphs_changed) == (1, 1, 1)
    assert s.chars_added == len(" five") + len("Something unrelated and new.")
    assert s.chars_removed == len("Dropped entirely.")


def test_quote_change_is_same_in_a_diff():
    (d,) = diff_paragraphs(['He said "no".'], ["He said \u201cno\u201d."])
    assert d.status == "same"


# -- what a reader needs to find the change -------------------------------------------------------

from storage.text.diff import TextEnd, in_context, text_end, typography  # noqa: E402
from tests.support.records import ARTICLE  # noqa: E402


def test_a_text_cut_at_a_paragraph_break_says_where_it_now_ends():
    end = text_end(diff_paragraphs(ARTICLE, ARTICLE[:2]))
    assert end == TextEnd(2, 6, False, "…port and fish spawning grounds are less disturbed.")
    assert end.describe() == ("text now ends after paragraph 2 of 6: "
                              "\u201c…port and fish spawning grounds are less disturbed.\u201d")


def test_a_text_cut_inside_a_paragraph_says_inside_whether_or_not_the_rest_still_pairs():
    long_cut = ARTICLE[:2] + [ARTICLE[2][:ARTICLE[2].index(", which")] + "…"]  # still pairs with its old self
    assert [d.status for d in diff_paragraphs(ARTICLE, long_cut)][2:] == ["changed", "removed", "removed", "removed"]
    assert text_end(diff_paragraphs(ARTICLE, long_cut)) == TextEnd(
        3, 6, True, "…assessment underestimated the effect on the estuary's mudflats…")
    short_cut = ARTICLE[:3] + ["The port's director replied…"]  # too short to pair: removed, then added
    assert [d.status for d in diff_paragraphs(ARTICLE, short_cut)][3:] == ["removed", "removed", "removed", "added"]
    assert text_end(diff_paragraphs(ARTICLE, short_cut)) == TextEnd(4, 6, True, "The port's director replied…")


def test_only_a_text_whose_end_is_gone_has_a_new_end():
    assert text_end(diff_paragraphs(ARTICLE, ARTICLE)) is None
    assert text_end(diff_paragraphs(ARTICLE, ARTICLE + ["A correction."])) is None  # it grew
    assert text_end(diff_paragraphs(ARTICLE, ARTICLE[:1] + ARTICLE[2:])) is None  # a paragraph in the middle
    assert text_end(diff_paragraphs(ARTICLE, ARTICLE[:4] + ["Another ending altogether, of other words."])) is None
    assert text_end(diff_paragraphs(ARTICLE, [])) is None


def test_in_context_keeps_n_unchanged_paragraphs_around_each_change_and_collapses_the_rest():
    statuses = ["same"] * 5 + ["changed"] + ["same"] * 6 + ["added"]
    assert in_context(statuses, 1) == [range(0, 4), 4, 5, 6, range(7, 11), 11, 12]
    assert in_context(statuses, 0) == [range(0, 5), 5, range(6, 12), 12]
    assert in_context(statuses, 9) == list(range(13))
    assert in_context(["same"] * 3, 1) == [range(0, 3)]


def test_typography_marks_what_changed_and_rejoins_each_side_exactly():
    old = 'He said "no"  -- twice, didn\'t he?'
    new = "He said \u201cno\u201d \u2014 twice, didn\u2019t he?"
    pieces = typography(old, new)
    assert "".join(t for op, t in pieces if op in "=-") == old
    assert "".join(t for op, t in pieces if op in "=+") == new
    assert [(op, t) for op, t in pieces if op != "="] == [
        ("-", '"'), ("+", "\u201c"), ("-", '"  --'), ("+", "\u201d \u2014"), ("-", "'"), ("+", "\u2019")]
