"""Terminal output of ``sources`` (configured and discovered), ``sources add`` and ``sources test``.

Readable at 80 columns: the table holds only short values, and every URL is printed whole on
a line of its own (indented, never folded or cut), so that it pastes into the next command.
"""

from __future__ import annotations

import json

from rich import box
from rich.console import Console
from rich.table import Table

SAMPLES = 5  # URLs shown per list; --format json lists them all


def sources_table(console: Console, rows: list[dict]) -> None:
    """The sources, with each one's last run, pages and due pages when there is an archive;
    then each one's start pages, sitemaps and feeds, each URL whole on a line of its own."""
    archive = any("pages" in r for r in rows)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, padding=0)  # columns apart by the box's one space
    table.add_column("name", overflow="fold")  # folded only past 80 columns; whole on its line below
    for header in ("role", "schedule") + (("last run (UTC)", "status") if archive else ()):
        table.add_column(header, no_wrap=True)
    for header in ("pages", "due") if archive else ():
        table.add_column(header, justify="right", no_wrap=True)
    for r in rows:
        cells = [r["name"], r["role"], r["schedule"] or "-"]
        if archive:
            run = r["last_run"]
            cells += [run["started_at"][:16].replace("T", " ") if run else "never", run["status"] if run else "-",
                      str(r["pages"]), str(r["due"])]
        table.add_row(*cells)
    console.print(table)
    console.print()
    for r in rows:  # soft_wrap: a long URL runs past the edge rather than being folded or cut
        console.print(f"{r['name']}: {_discovery(r)}", markup=False, highlight=False, soft_wrap=True)
        for url in r["start_urls"] + r["sitemaps"] + r["feeds"]:
            console.print("  " + url, markup=False, highlight=False, soft_wrap=True)


def sources_text(console: Console, data: dict) -> None:
    """``sources``: the table, then the sources scans discovered (when there is an archive)."""
    sources_table(console, data["sources"])
    found = data.get("discovered") or []
    if found:
        console.print()
        console.print(f"Discovered by scans, not crawled until added ({len(found)}):", highlight=False)
    for r in found:
        console.print(f"  {r['name']}  {_count(r['pages'], 'page')}, found {r['created_at'][:16].replace('T', ' ')}",
                      markup=False, highlight=False, soft_wrap=True)
        console.print(f"    {r['command']}", markup=False, highlight=False, soft_wrap=True)


def _discovery(r: dict) -> str:
    return ", ".join(_count(len(r[key]), word) for key, word in
                     (("start_urls", "start page"), ("sitemaps", "sitemap"), ("feeds", "feed")))


def add_text(data: dict) -> str:
    entry, proposal = data["source"], data["proposal"]
    urls = data["urls"]
    lines = [f"Added source {entry['name']!r} ({entry['role']}) to {data['file']}"
             + (" (a new file)." if data["created"] else "."), "Found:"]
    lines += listing_lines(data["listings"])
    for note in data["notes"]:
        lines += [f"  {note['note']}:", f"    {note['url']}"]
    lines += [f"  {note}" for note in data["capped"]]
    lines.append(f"URLs: {urls['sitemap']:,} in sitemaps, {urls['feed']:,} in feeds, "
                 f"{urls['start page']:,} linked from the start page ({urls['distinct']:,} distinct)")
    if not proposal["allow"]:
        lines.append("No allow pattern found: every page of the site would be an article; set 'allow' by hand.")
    else:
        where = "the start page's links (no sitemap or feed listed any)" if data["guessed"] else "sitemaps and feeds"
        lines.append(f"Proposed allow, matching {proposal['listed_matched']:,} of the {proposal['listed']:,} "
                     f"URLs in {where}:")
        lines += [f"  {pattern_repr(p)}" for p in proposal["allow"]]
        lines += _samples("Not matched", proposal["unmatched"])
        lines += _samples("Also matched, linked from the start page only", proposal["others_matched"])
    lines.append(f"Next: {data['next']}")
    return "\n".join(lines)


def test_text(data: dict) -> str:
    rules = ", ".join(map(pattern_repr, data["allow"])) or "none (every page of the site)"
    sampled = data["sampled"]
    read = f"its listings and {_count(len(sampled), 'sampled article')} read now" if sampled else \
        "its listings read now; no article fetched"
    lines = [f"Source {data['source']!r} ({data['role']}): {read}."]
    lines += listing_lines(data["listings"])
    lines += [f"  {note}" for note in data["capped"]]
    lines += [f"allow: {rules}", f"deny: {', '.join(map(pattern_repr, data['deny'])) or 'none'}",
              f"max_depth: {data['max_depth']} (link hops from a start page); max_pages: {data['max_pages']:,}"]
    articles = data["articles"]
    lines += _samples(f"Articles: {len(articles):,} of {data['urls']:,} URLs", articles, counted=True)
    if len(articles) > data["max_pages"]:
        lines.append(f"  a crawl fetches {data['max_pages']:,} of them at most (max_pages)")
    if data["robots_disallowed"]:
        lines.append(f"  robots.txt disallows {len(data['robots_disallowed']):,} of them: the crawl skips those")
    lines += _samples(f"Not articles: {len(data['not_articles']):,}", data["not_articles"], counted=True)
    lines += _samples(f"Followed for links (not fetched now): {_count(len(data['followed']), 'page')} "
                      "linked from the start pages", data["followed"], counted=True)
    return "\n".join(lines + _sampled_lines(sampled, data["suggestion"]))


def _sampled_lines(sampled: list[dict], suggestion: str | None) -> list[str]:
    """The sampled articles (fetched over HTTP): the application shells among them, and the suggestion."""
    if not sampled:
        return []
    shells = [s["url"] for s in sampled if s["shell"]]
    failed = sum(1 for s in sampled if s["problem"])
    lines = [f"Sampled articles: {_count(len(sampled), 'page')} fetched over HTTP, "
             + (f"{len(shells):,} of them application shells (the text is built by JavaScript):" if shells
                else "none an application shell") + (f" ({failed:,} without an answer)" if failed else "")]
    lines += [f"  {url}" for url in shells]
    if suggestion:
        lines.append('Try render = "browser" for this source (its articles are built in the browser).')
    return lines


def listing_lines(listings: list[dict]) -> list[str]:
    lines = []
    for page in listings:
        kind = "sitemap index" if page["sitemaps"] else page["kind"]
        if page["kind"] == "sitemap" and page["url"].endswith("/robots.txt"):
            kind = "robots.txt, for its sitemaps"
        lines += [f"  {kind}: {_listing_summary(page)}", f"    {page['url']}"]
    return lines


def _listing_summary(page: dict) -> str:
    if page["problem"]:
        return page["problem"]
    if page["kind"] == "robots.txt":
        return "none (everything allowed)" if page["status"] != 200 else "read, obeyed"
    if page["sitemaps"]:
        return _count(page["sitemaps"], "sitemap")
    if page["kind"] == "start page":
        return _count(page["urls"], "link") + " on the site" + (f", {page['offsite']:,} to other sites" if page["offsite"] else "")
    return _count(page["urls"], "URL")


def _samples(title: str, urls: list[str], *, counted: bool = False) -> list[str]:
    if not urls:
        return [title] if counted else []
    lines = [title if counted else f"{title} ({len(urls):,}):"]
    lines += [f"  {url}" for url in urls[:SAMPLES]]
    if len(urls) > SAMPLES:
        lines.append(f"  ... {len(urls) - SAMPLES:,} more (--format json lists them all)")
    return lines


def pattern_repr(pattern: str) -> str:
    """A pattern as sources.toml holds it: a literal string, backslashes as they are."""
    return f"'{pattern}'" if "'" not in pattern else json.dumps(pattern)  # a TOML basic string


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"
