"""The monitoring report as text: coloured on a terminal, within 80 columns but for URLs, which
are printed whole on lines of their own (they paste into the next command)."""

import io

from rich.console import Console

from crawler.render.report import report_text

LONG_URL = "http://127.0.0.1:9/articles/" + "a-very-long-slug-" * 8 + ".html"
COPY_URL = "http://127.0.0.1:8/2020/08/18/russian-belarusian-relations-back-to-being-brothers-crimea-2-0-is-unlikely/"
ORIGINAL_URL = "http://127.0.0.1:9/articles/russian-belarusian-relations-back-to-being-brothers.html"


def report(**sections) -> dict:
    data = {"since": "2026-01-01T00:00:00+00:00", "until": "2026-01-02T00:00:00+00:00", "source": None,
            "min_significance": 0.0, "new": [], "gone": [], "new_copies": [], "diverged_copies": [],
            "health": [], "changed": []}
    return {**data, **sections}


def render(data: dict, **console) -> str:
    out = io.StringIO()
    report_text(Console(file=out, width=80, **console), data)
    return out.getvalue()


def test_text_report_is_coloured_on_a_terminal_and_fits_80_columns_but_for_whole_urls():
    data = report(changed=[{
        "url": LONG_URL, "source": "news", "title": "Budget [bold]presented[/bold] " * 4,
        "class": "paragraphs-removed", "significance": 0.7, "version": 2, "previous": 1,
        "captured_at": "2026-01-01T10:00:00+00:00", "change": None, "diff": ["- " + "retracted words " * 20]}])
    text = render(data)
    assert "\x1b[" not in text and "\x1b[" in render(data, force_terminal=True)
    assert [line for line in text.splitlines() if len(line) > 80] == ["  " + LONG_URL]
    assert all(line == line.rstrip() for line in text.splitlines())  # no padding to the width
    assert "paragraphs-removed 0.70" in text and "[bold]presented[/bold]" in text  # markup shown, not applied
    assert "no crawls in this period" in text


def test_new_copies_print_both_urls_whole_on_lines_of_their_own():
    copy = {"url": COPY_URL, "source": "tcttnews", "relation": "excerpt", "original_url": ORIGINAL_URL,
            "original_source": "global-research", "coverage": 0.23}
    text = render(report(new_copies=[copy]))
    section = text[text.index("New copies (1)"):text.index("Crawl health")].splitlines()
    assert section == [
        "New copies (1)",
        "= excerpt on tcttnews, 23% of an article of global-research",
        "  " + COPY_URL,
        "  copy of",
        "  " + ORIGINAL_URL,
        "",
    ]
    assert "…" not in text
