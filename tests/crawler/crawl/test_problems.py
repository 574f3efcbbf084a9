"""Fetch problems (``crawler.crawl.problems``): the soft-404 check parses only the pages that
might say "not found", and finds the same problems as parsing every page would."""

from __future__ import annotations

from scrapy.http import HtmlResponse


def test_soft_404_check_parses_only_pages_whose_title_or_heading_might_say_not_found(monkeypatch):
    import gzip

    from crawler.crawl import problems
    from tests.support.databases import shared_path
    pages = sorted(shared_path("data/article-pages/html").glob("*.html.gz"))
    responses = [HtmlResponse(f"https://example.org/{path.name}", body=gzip.decompress(path.read_bytes()),
                              headers={"Content-Type": "text/html"}) for path in pages]
    soft_404s = [HtmlResponse("https://example.org/gone", body=html.encode(), headers={"Content-Type": "text/html"})
                 for html in ("<html><head><title>Page not found</title></head><body><p>Sorry.</p></body></html>",
                              "<html><head><title>News</title></head><body><h1>Error <b>404</b></h1></body></html>",
                              "<html><title>Gone<body><h1>This page doesn't exist</h1>")]
    parsed = sum(problems._may_say_not_found(r) for r in responses)
    quick = [problems.soft_404(r) for r in responses + soft_404s]
    monkeypatch.setattr(problems, "_may_say_not_found", lambda response: True)  # always parse
    assert quick == [problems.soft_404(r) for r in responses + soft_404s]
    assert all(problem and problem.startswith("soft 404") for problem in quick[-3:])
    assert len(pages) == 181 and parsed <= 18  # measured: 10 of the 181 real pages are parsed
