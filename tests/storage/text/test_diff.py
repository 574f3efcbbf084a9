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
