"""The monitoring report as text: coloured on a terminal, within 80 columns."""


def test_text_report_is_coloured_on_a_terminal_and_fits_80_columns():
    import io

    from rich.console import Console

    from crawler.render.report import report_text

    long_url = "http://127.0.0.1:9/articles/" + "a-very-long-slug-" * 8 + ".html"
    data = {"since": "2026-01-01T00:00:00+00:00", "until": "2026-01-02T00:00:00+00:00", "source": None,
            "min_significance": 0.0, "new": [], "gone": [], "new_copies": [], "diverged_copies": [],
            "health": [], "changed": [{
                "url": long_url, "source": "news", "title": "Budget [bold]presented[/bold] " * 4,
                "class": "paragraphs-removed", "significance": 0.7, "version": 2, "previous": 1,
                "captured_at": "2026-01-01T10:00:00+00:00", "change": None, "diff": ["- " + "retracted words " * 20]}]}
    plain, colour = io.StringIO(), io.StringIO()
    report_text(Console(file=plain, width=80), data)
    report_text(Console(file=colour, width=80, force_terminal=True), data)
    text = plain.getvalue()
    assert "\x1b[" not in text and "\x1b[" in colour.getvalue()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "paragraphs-removed 0.70" in text and "[bold]presented[/bold]" in text  # markup shown, not applied
    assert "no crawls in this period" in text
