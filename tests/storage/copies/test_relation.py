"""The relation judged on the article's body: what the dropped or added text is, and where it sits
(``storage.copies.relation``), through ``align`` on small texts."""

from storage.copies.align import align
from storage.copies.relation import listed
from tests.support.records import ARTICLE

RELATED = ["- Ten things to do this weekend in the old town, from the Saturday markets to the new riverside walk "
           "and the reopened library",
           "- Why the council's budget vote was delayed again this week, and what it means for the tram line and "
           "for the bus routes"]


def test_lines_of_page_structure_are_no_running_text():
    assert listed("- Ten things to do this weekend in the old town, from markets to the new walk.")
    assert listed("| Rating | 4.6 | 4.5 | 4.3 | 4 | 4.0 |")
    assert listed("[2] American Society of Travel Agents, study on the time and money agents save consumers.")
    assert listed("Average plumbing hourly rates Plumbing flat-rate pricing Plumber labor rates Additional costs")
    assert not listed(ARTICLE[0])


def test_a_list_of_related_posts_the_copy_leaves_out_leaves_the_whole_article():
    a = align(ARTICLE[:3] + RELATED + ARTICLE[3:], ARTICLE)
    assert a.relation == "cosmetic" and a.body_coverage == 1.0
    assert a.summary["omitted"] == 2 and a.coverage < 0.85


def test_leaving_out_list_items_of_a_list_is_an_excerpt():
    # the copy keeps mostly list items: they are the text, and dropping some is leaving part of it out
    items = [f"- Item {n}: " + ARTICLE[n] for n in range(6)]
    a = align(items, items[:3])
    assert a.relation == "excerpt"


def test_a_table_the_copy_leaves_out_is_page_structure():
    table = [f"| {n} | Driver {n} | {5000 - n * 7} | {n % 3} | {n % 5} |" for n in range(1, 30)]
    a = align(ARTICLE[:2] + table + ARTICLE[2:], ARTICLE)
    assert a.relation == "cosmetic"


def test_an_article_the_original_page_carries_twice_is_kept_once():
    a = align(ARTICLE + ["Related stories"] + ARTICLE, ARTICLE)
    assert a.relation == "cosmetic" and a.body_coverage == 1.0


def test_a_byline_run_into_the_first_paragraph_is_the_page_s_not_the_article_s():
    byline = "By Ann Writer Ann Writer is a reporter covering the port and the estuary"
    original = [f"{byline} {ARTICLE[0]}"] + ARTICLE[1:]
    assert align(original, ARTICLE).relation == "cosmetic"
    # ... up to EDGE of the body: more is a part of the article left out
    bio = " ".join([byline] * 5)
    assert align([f"{bio} {ARTICLE[0]}"] + ARTICLE[1:], ARTICLE).relation == "excerpt"


def test_an_editor_s_note_extends_even_a_long_article():
    long = [f"{p} Part {n}." for n in range(12) for p in ARTICLE]  # about 2,000 words
    note = ("Editor's note: this story is republished with permission, and we added figures from our own "
            "reporting in the section below; we will update it as the situation develops.")
    a = align(long, [note] + long)
    assert a.relation == "extended" and a.body_precision < 1.0
    # a title or a prompt of the copy's own is no text of its own
    assert align(long, ["Harbour news of the week", *long, "Sign up for our newsletter"]).relation == "cosmetic"


def test_a_short_line_merged_into_a_paragraph_is_no_addition():
    original = [ARTICLE[0], ARTICLE[1], ARTICLE[2], ARTICLE[3], ARTICLE[4]]
    copy = [f"{ARTICLE[0]} Published by the Harbour Gazette", f"{ARTICLE[1]} {ARTICLE[2]}", ARTICLE[3], ARTICLE[4]]
    a = align(original, copy)
    assert a.relation == "cosmetic" and a.body_precision == 1.0


def test_lines_the_original_keeps_apart_that_the_copy_runs_into_a_paragraph_are_paired():
    original = [ARTICLE[0], "- Run the dredger", "- Measure the turbidity", ARTICLE[1], ARTICLE[2]]
    copy = [f"{ARTICLE[0]} 1. Run the dredger 2. Measure the turbidity", ARTICLE[1], ARTICLE[2]]
    a = align(original, copy)
    assert a.relation == "cosmetic" and "omitted" not in a.summary
    assert a.rows[0].original == f"{ARTICLE[0]} - Run the dredger - Measure the turbidity"


def test_a_list_renumbered_is_no_edit():
    steps = [f"- Step {n}: {p}" for n, p in enumerate(ARTICLE * 4)]
    renumbered = " ".join(f"{n}. {p[2:]}" for n, p in enumerate(steps, 1))
    assert align(ARTICLE[:2] + steps, ARTICLE[:2] + [renumbered]).relation == "cosmetic"


def test_a_subheading_in_the_place_of_another_is_no_edit():
    # the copy runs two paragraphs together, so the run of words before the line reaches into it
    original = [ARTICLE[0], ARTICLE[1], "Best home security camera reviews", *ARTICLE[2:]]
    copy = [f"{ARTICLE[0]} {ARTICLE[1]}", "Best Prices Today:", *ARTICLE[2:]]
    a = align(original, copy)
    assert a.rows[1].status == "edited" and a.relation == "cosmetic"
    # ... but words replaced in a sentence are
    assert align(original, [ARTICLE[0].replace("Monday", "Friday"), *original[1:]]).relation == "edited"


def test_a_running_head_of_the_page_where_the_copy_has_a_subheading_is_no_edit():
    head = "HARBOUR WORKS EXPLAINED"
    original = [f"{ARTICLE[0]} {ARTICLE[1]} {head} {ARTICLE[2]}", *ARTICLE[3:]]
    copy = [f"{ARTICLE[0]} {ARTICLE[1]} Three winters of dredging {ARTICLE[2]}", *ARTICLE[3:]]
    assert align(original, copy).relation == "cosmetic"


def test_a_word_without_its_accents_is_no_edit():
    original = [ARTICLE[0].replace("Monday", "Monday in Qur\u02be\u0101n Stra\u00dfe and Citt\u00e0"), *ARTICLE[1:]]
    copy = [ARTICLE[0].replace("Monday", "Monday in Quran Stra\u00dfe and Citta"), *ARTICLE[1:]]
    assert align(original, copy).relation == "cosmetic"


def test_a_bio_after_the_title_in_the_first_paragraph_is_the_page_s():
    bio = ("By Ann Writer Ann Writer Ann Writer is one of the region's most regarded reporters on ports, "
           "estuaries and the shipping trade, and a master gardener.")
    title = "Deeper channel for the harbour"
    long = [f"{p} Part {n}." for n in range(2) for p in ARTICLE]
    a = align([f"{title} {bio} {long[0]}", *long[1:]], [f"{title} {long[0]}", *long[1:]])
    assert a.relation == "cosmetic"



def test_a_number_that_ends_a_range_is_no_list_item_number():
    # "14)" after "6 –" is no list item's number: dropping it as one left "14" added by the copy
    original = [f"{ARTICLE[0]} Mid-career actuaries (years 6 \u2013 14) HARBOUR WORKS EXPLAINED lead teams.", *ARTICLE[1:]]
    copy = [f"{ARTICLE[0]} Mid-career actuaries (years 6-14) lead teams.", *ARTICLE[1:]]
    assert align(original, copy).relation == "cosmetic"


def test_a_promotion_run_into_the_last_paragraph_is_no_copy_stopping_inside_it():
    promo = ("If you would like to learn more about our dredging, survey and harbour engineering services for "
             "ports of every size, contact Harbour Works today.")
    long = [f"{p} Part {n}." for n in range(2) for p in ARTICLE]
    original = [*long[:-1], f"{long[-1]} {promo}", "Contact Us",
                "Harbour Works has offices in Rotterdam, Antwerp and Hamburg, and a team of twenty engineers."]
    assert align(original, long).relation == "cosmetic"
    # ... while a copy that stops inside a sentence of it stops inside the paragraph
    cut = long[-1].split()
    assert align(original, [*long[:-1], " ".join(cut[:len(cut) // 2])]).relation == "excerpt"


def test_a_copy_with_words_replaced_in_its_first_paragraph_after_a_bio_is_edited():
    bio = ("By Ann Writer Ann Writer Ann Writer is one of the region's most regarded reporters on ports, "
           "estuaries and the shipping trade, and a master gardener.")
    long = [f"{p} Part {n}." for n in range(2) for p in ARTICLE]
    edited = long[0].replace("main shipping channel", "old fishing channel")
    assert align([f"{bio} {long[0]}", *long[1:]], [edited, *long[1:]]).relation == "edited"
