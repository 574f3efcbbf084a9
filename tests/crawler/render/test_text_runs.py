"""The `runs` table and the crawl summary at 80 columns: every column kept, every value whole."""

import io

from rich.console import Console

from crawler.render.text import crawl_summary, runs_table

HEADERS = ["run", "source", "started (UTC)", "status", "pages", "new", "same", "304", "gone", "errors"]


def render(func, rows, width=80) -> str:
    out = io.StringIO()
    func(Console(file=out, width=width), rows)
    return out.getvalue()


def counts(**kw):
    return {"fetched": 12345, "new_version": 120, "unchanged": 11000, "not_modified": 1225, "gone": 3, "error": 4567,
            **kw}


def test_the_runs_table_keeps_every_column_and_whole_values_at_80_columns():
    rows = [{"id": 1042, "source": "global-research", "started_at": "2026-12-01T11:51:07+00:00",
             "status": "interrupted", **counts()},
            {"id": 1041, "source": "tcttnews", "started_at": "2026-12-01T11:50:00+00:00", "status": "finished",
             **counts(error=0)}]
    text = render(runs_table, rows)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80 and "…" not in text
    header = lines[0].split()
    assert " ".join(header) == " ".join(HEADERS)  # errors, the one a monitor needs most, is there
    # Five-digit counts and the longest status: a text column may wrap, whole, onto a second line.
    assert lines[2].split() == ["1042", "global-research", "2026-12-01", "interrupted",
                                "12345", "120", "11000", "1225", "3", "4567"]
    assert lines[3].split() == ["11:51"]
    assert lines[4].split() == ["1041", "tcttnews", "2026-12-01", "finished", "12345", "120", "11000", "1225", "3", "0"]
    # Typical figures fit on one line.
    typical = render(runs_table, [{**rows[1], **counts(fetched=14, new_version=14, unchanged=0, not_modified=0,
                                                       gone=0, error=14)}]).splitlines()
    assert typical[2].split() == ["1041", "tcttnews", "2026-12-01", "11:50", "finished", "14", "14", "0", "0", "0", "14"]


def test_the_crawl_summary_fits_80_columns_and_says_what_discovery_cost():
    rows = [{"source": "global-research", "finish_reason": "finished", **counts(), "requests": 33,
             "other_requests": 19, "over_max_pages": 9}]
    text = render(crawl_summary, rows)
    assert max(len(line) for line in text.splitlines()) <= 80 and "…" not in text
    assert text.splitlines()[0].split() == ["source", "finish", "pages", "new", "same", "304", "gone", "errors"]
    assert text.splitlines()[2].split() == ["global-research", "finished", "12345", "120", "11000", "1225", "3", "4567"]
    said = " ".join(text.split())
    assert ("global-research: 33 requests, 19 of them not for articles; stopped discovering at max_pages: "
            "9 more article URLs not fetched") in said


def test_the_legend_of_a_narrow_table_is_not_wrapped():
    rows = [{"source": "n", "finish_reason": "finished", **counts(fetched=1, new_version=1, unchanged=0,
                                                                  not_modified=0, gone=0, error=0)}]
    assert "new: new versions · same: unchanged · 304: not modified\n" in render(crawl_summary, rows)


def test_pages_blocked_by_the_site_are_a_line_under_the_tables():
    # A blocked column would make the runs table 82 columns wide: it is a line under the table.
    run = {"id": 1042, "source": "global-research", "started_at": "2026-12-01T11:51:07+00:00",
           "status": "finished", **counts(blocked=7)}
    text = render(runs_table, [run, {**run, "id": 1041, "blocked": 0}])
    assert max(len(line) for line in text.splitlines()) <= 80
    assert " ".join(text.splitlines()[0].split()) == " ".join(HEADERS)
    assert text.splitlines()[-1] == "run 1042 (global-research): blocked by the site (7 pages)"
    assert "run 1041" not in text
    summary = render(crawl_summary, [{"source": "news", "finish_reason": "finished", **counts(blocked=1),
                                      "requests": 3, "other_requests": 2, "over_max_pages": 0}])
    assert summary.splitlines()[-1] == "news: blocked by the site (1 page)"
