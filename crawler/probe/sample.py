"""A few of a source's articles fetched as plain HTTP, to see whether they are application shells.

``sources test`` fetches the first :data:`SAMPLED` articles its listings name (robots.txt obeyed)
and asks ``crawler.extract.shell`` about each, as the crawl asks about every page it fetches over
HTTP; when any is a shell (a root element and scripts, the text built by JavaScript), it
suggests ``render = "browser"`` for the source. A source that renders already is not sampled.
"""

from __future__ import annotations

from crawler.extract.shell import shell_reason
from crawler.probe.fetch import Fetcher

SAMPLED = 3  # articles fetched per `sources test`


def sample_articles(urls: list[str], fetcher: Fetcher, n: int = SAMPLED) -> list[dict]:
    """``[{"url", "status", "shell", "problem"}]`` for the first ``n`` URLs robots.txt allows."""
    samples = []
    for url in [u for u in urls if fetcher.allowed(u)][:n]:
        answer = fetcher.get(url)
        html = answer.status == 200 and answer.content_type in ("text/html", "application/xhtml+xml", "")
        problem = answer.problem or (None if answer.status == 200 else f"HTTP {answer.status}")
        samples.append({"url": url, "status": answer.status, "problem": problem,
                        "shell": bool(html and shell_reason(answer.body, None))})
    return samples


def render_suggestion(samples: list[dict]) -> str | None:
    """The suggestion to render the source in the browser, when a sampled article is a shell."""
    shells = sum(s["shell"] for s in samples)
    if not shells:
        return None
    are = "is an application shell" if shells == 1 else "are application shells"
    return (f'{shells} of {len(samples)} sampled articles fetched over HTTP {are} (the text is built by '
            'JavaScript): try render = "browser" for this source')
