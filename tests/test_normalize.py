from storage.history import change_summary, diff_paragraphs
from storage.normalize import normalize_text, normalize_url, origin_of, text_sha256


def test_tracking_parameters_fragments_and_case_fold_into_one_url():
    assert normalize_url("HTTP://Example.ORG:80/a/b.html?utm_source=x&b=2&fbclid=z&a=1#top") == \
        "http://example.org/a/b.html?a=1&b=2"
    assert normalize_url("https://example.org") == "https://example.org/"
    assert normalize_url("http://127.0.0.1:8001/x") != normalize_url("http://127.0.0.1:8002/x")


def test_origin_always_names_the_port():
    assert origin_of("https://Example.org/a") == "https://example.org:443"
    assert origin_of("http://127.0.0.1:8001/a") == "http://127.0.0.1:8001"


def test_typography_folds_away():
    straight = "Minsk doesn't have \"balancing\" - options..."
    curly = "Minsk doesn\u2019t  have \u201cbalancing\u201d \u2013 options\u2026"
    assert normalize_text(straight) == normalize_text(curly)
    assert text_sha256([straight, ""]) == text_sha256([curly])
    assert text_sha256(["a"]) != text_sha256(["b"])


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
