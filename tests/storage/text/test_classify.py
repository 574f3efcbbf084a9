"""Change classes and significance on literal texts, one test per class; flapping."""

import pytest

from storage.text.classify import CLASSES, classify, flapping

TITLE = "Tram line extended"
P = [
    TITLE,
    "The city council voted on Tuesday to extend the tram line to the northern districts.",
    "Supporters said the extension would cut commuting times by a third for forty thousand residents.",
    "Opponents warned that the cost estimate of 310 million euros was optimistic.",
    "The first trams are expected to run on the new section in the spring of 2029.",
]


def with_(index: int, text: str) -> list[str]:
    return P[:index] + [text] + P[index + 1:]


def test_fixed_typo_is_typo_and_barely_significant():
    before = with_(2, "Supporters said the extension would cut comuting times by a third for forty thousand residents.")
    c = classify(before, P, old_title=TITLE, new_title=TITLE)
    assert c.name == "typo"
    assert c.significance == pytest.approx(0.05)


def test_swapped_letters_and_punctuation_are_typo():
    before = with_(1, "The city council voted on Tuesday to extend teh tram line to the northern districts")
    assert classify(before, P).name == "typo"


def test_changed_figure_is_numbers_or_dates():
    after = with_(3, "Opponents warned that the cost estimate of 410 million euros was optimistic.")
    c = classify(P, after, old_title=TITLE, new_title=TITLE)
    assert c.name == "numbers-or-dates"
    assert 0.3 <= c.significance <= 0.5


def test_changed_weekday_and_year_is_numbers_or_dates():
    after = with_(1, "The city council voted on Wednesday to extend the tram line to the northern districts.")
    after = after[:4] + ["The first trams are expected to run on the new section in the spring of 2030."]
    assert classify(P, after).name == "numbers-or-dates"


def test_new_headline_is_title():
    after = ["Council backs tram extension"] + P[1:]
    c = classify(P, after, old_title=TITLE, new_title="Council backs tram extension")
    assert (c.name, c.significance) == ("title", 0.5)


def test_title_only_outside_the_text_is_title():
    c = classify(P[1:], P[1:], old_title=TITLE, new_title="Council backs tram extension")
    assert c.name == "title"


def test_new_paragraph_is_paragraphs_added():
    after = P[:3] + ["A second public hearing is planned for March, the council said."] + P[3:]
    c = classify(P, after, old_title=TITLE, new_title=TITLE)
    assert c.name == "paragraphs-added"
    assert 0.2 <= c.significance < 0.6


def test_retracted_paragraph_is_paragraphs_removed_and_significant():
    after = P[:2] + P[3:]
    c = classify(P, after, old_title=TITLE, new_title=TITLE)
    assert c.name == "paragraphs-removed"
    assert c.significance >= 0.6
    typo = classify(with_(2, P[2].replace("commuting", "comuting")), P)
    assert c.significance > 10 * typo.significance


def test_retraction_with_a_typo_fixed_elsewhere_is_still_paragraphs_removed():
    after = [P[0], P[1].replace("northern", "nothern"), P[2], P[4]]
    assert classify(P, after).name == "paragraphs-removed"


def test_a_word_of_negation_is_not_a_typo():
    after = with_(3, "Opponents warned that the cost estimate of 310 million euros was not optimistic.")
    assert classify(P, after).name == "rewrite"


def test_different_text_is_rewrite_scaled_by_how_much_changed():
    one = with_(2, "Critics said buses would remain the faster option for most commuters in the area.")
    c_one = classify(P, one)
    everything = [TITLE, "An entirely different story about ferries.", "Ferries are slow.",
                  "Nobody expected the ferry company to win the contract.", "It did."]
    c_all = classify(P, everything)
    assert (c_one.name, c_all.name) == ("rewrite", "rewrite")
    assert c_all.significance > c_one.significance >= 0.3


def test_text_cut_inside_a_paragraph_is_truncated():
    after = P[:3] + ["Opponents warned that the cost"]
    c = classify(P, after, old_title=TITLE, new_title=TITLE)
    assert c.name == "truncated"
    assert 0.4 < c.significance < 0.8


def test_half_the_text_lost_at_a_paragraph_break_is_truncated():
    assert classify(P, P[:2]).name == "truncated"
    assert classify(P, P[:2] + ["Supporters said the extension would…"]).name == "truncated"


def test_correction_note_is_correction_appended():
    after = with_(3, "Opponents warned that the cost estimate of 410 million euros was optimistic.") + [
        "Correction: an earlier version of this article gave the cost estimate as 310 million euros."]
    c = classify(P, after)
    assert c.name == "correction-appended"
    assert c.significance == pytest.approx(0.6)


def test_same_body_is_extractor_changed_whatever_the_text():
    c = classify(P, P[:2] + ["Share this article"], same_body=True)
    assert (c.name, c.significance) == ("extractor-changed", 0.0)


def test_new_extractor_with_the_same_words_is_extractor_changed():
    merged = [P[0], P[1] + " " + P[2], P[3], P[4]]  # the new extractor joins two paragraphs
    assert classify(P, merged, extractor_changed=True).name == "extractor-changed"
    # ... but a real edit under a new extractor is still the site's change.
    assert classify(P, P[:2], extractor_changed=True).name == "truncated"


def test_revert_keeps_the_weight_of_what_it_undoes():
    c = classify(P[:2] + P[3:], P, reverts=True)
    assert c.name == "revert"
    assert c.significance == classify(P[:2] + P[3:], P).significance
    assert "paragraphs-added" in c.detail


def test_every_class_is_reachable():
    seen = {
        classify(with_(2, P[2].replace("commuting", "comuting")), P).name,
        classify(P, with_(3, P[3].replace("310", "410"))).name,
        classify(P, P[1:], old_title=TITLE, new_title="Other").name,
        classify(P, P + ["Another paragraph about the tram and its many stops."]).name,
        classify(P, P[:2] + P[3:]).name,
        classify(P, ["Something else entirely, about ferries and their timetables."]).name,
        classify(P, P[:3] + ["Opponents warned"]).name,
        classify(P, P + ["Update: the vote was confirmed on Friday."]).name,
        classify(P, P[:1], same_body=True).name,
        classify(P, P[:1], reverts=True).name,
    }
    assert seen == set(CLASSES)


@pytest.mark.parametrize("states, expected", [
    (["a", "b", "a", "b"], ("a", "b", 3)),
    (["x", "a", "b", "a", "b", "a"], ("b", "a", 4)),
    (["a", "b", "a"], None),  # one revert is not flapping
    (["a", "b", "c", "b"], None),
    (["a", "b", "a", "b", "c"], None),  # it stopped: a new text
    ([], None),
])
def test_flapping_needs_three_changes_between_two_texts(states, expected):
    assert flapping(states) == expected
