"""The monitoring report as text: sections of short wrapped lines (rich), readable at 80 columns,
in colour on a terminal; scraped text is printed with markup off. Each URL is printed whole on
a line of its own (``crawler.render.lines``), so that it pastes into the next command.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from crawler.render.lines import hang, print_url


def report_text(console: Console, data: dict) -> None:
    period = f"{_when(data['since'])} → {_when(data['until'])} UTC"
    scope = "".join([f", source {data['source']}" if data["source"] else "",
                     f", significance ≥ {data['min_significance']:g}" if data["min_significance"] else ""])
    console.print(Text(f"mirrorwatch report {period}{scope}", style="bold"))
    changed = [c for c in data["changed"] if c["class"] != "flapping"]
    flapping = [c for c in data["changed"] if c["class"] == "flapping"]
    _section(console, "Changed", changed, _change)
    _section(console, "Flapping between two texts", flapping, _flap)
    _section(console, "New", data["new"], lambda c, n: _item(c, "+", "green", n["title"], n["url"], n["source"]))
    _section(console, "Gone", data["gone"], lambda c, g: _item(c, "x", "red", g["title"], g["url"], g["source"]))
    _section(console, "New copies", data["new_copies"], _copy)
    _section(console, "Copies that changed", data["diverged_copies"], _copy)
    _section(console, "Crawl health", data["health"], _health, empty="no crawls in this period")


def _section(console: Console, title: str, items: list[dict], show, empty: str | None = None) -> None:
    if not items and empty is None:
        return
    console.print()
    console.print(Text(f"{title} ({len(items)})" if items else title, style="bold underline"))
    if not items:
        console.print(Text(empty, style="dim"))
    for item in items:
        show(console, item)


def _entry(console: Console, mark: str, style: str, heading: Text, url: str, lines: list[Text] = (),
           *, also: tuple[str, str] | None = None) -> None:
    """One entry: a mark and its heading (wrapped beside the mark), its URL whole on a line of
    its own, ``also`` a second URL with its label, then further lines indented."""
    hang(console, Text(mark, style=style + " bold"), heading, 2)
    print_url(console, url, style="dim")
    if also:
        print_url(console, also[1], label=also[0], style="dim")
    for line in lines:
        hang(console, "", line, 4)


def _item(console: Console, mark: str, style: str, title: str | None, url: str, source: str) -> None:
    _entry(console, mark, style, Text.assemble((title or url, "bold"), f" ({source})"), url)


_CLASS_STYLE = {"typo": "dim", "extractor-changed": "dim", "numbers-or-dates": "yellow", "title": "cyan",
                "paragraphs-added": "green", "paragraphs-removed": "red", "rewrite": "magenta",
                "truncated": "red", "correction-appended": "yellow", "revert": "blue", "flapping": "blue"}
_LINE_STYLE = {"+": "green", "-": "red", "~": "yellow"}


def _change(console: Console, c: dict) -> None:
    style = _CLASS_STYLE.get(c["class"], "")
    versions = f"v{c['previous']}→v{c['version']}" + (f", back to v{c['reverts_to']}" if c.get("reverts_to") else "")
    heading = Text.assemble((f"{c['class']} {c['significance'] or 0:.2f} ", style + " bold"),
                            (c["title"] or c["url"], "bold"), f" ({c['source']}, {versions})")
    lines = [Text(line, style=_LINE_STYLE.get(line[:1], "")) for line in c["diff"]]
    _entry(console, "~", style, heading, c["url"], lines)


def _flap(console: Console, c: dict) -> None:
    f = c["flapping"]
    heading = Text.assemble((c["title"] or c["url"], "bold"),
                            f" ({c['source']}, versions {f['between'][0]} and {f['between'][1]}, {f['flips']} flips)")
    lines = [Text(line, style="dim") for line in c["diff"]]
    _entry(console, "⇄", "blue", heading, c["url"], lines)


def _copy(console: Console, c: dict) -> None:
    what = c["relation"] + (f", {c['changed']} changed" if "changed" in c else "")
    if c.get("diverged"):
        what += ", no longer follows its original"
    heading = Text.assemble((what, "bold"), f" on {c['source']}, {c['coverage']:.0%} of an article of "
                                            f"{c['original_source']}")
    _entry(console, "=", "cyan", heading, c["url"], also=("copy of", c["original_url"]))


def _health(console: Console, h: dict) -> None:
    run = h["last_run"]
    figures = (f"{run['fetched']} fetched, {run['new_version']} new versions, {run['error']} errors"
               if run else "no crawl")
    warning = h["status"] == "warning"
    style = "red" if warning else "green"
    _entry(console, "!" if warning else "✓", style, Text.assemble((h["source"], "bold"), f" {h['status']}: {figures}"),
           h["url"], [Text(w, style="red") for w in h["warnings"]])
    for p in h["pages"]:
        print_url(console, p["url"], label=f"{p['kept']:.0%} of the text kept:", indent=4, style="dim")


def _when(iso: str) -> str:
    return iso[:16].replace("T", " ")
