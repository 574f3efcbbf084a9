"""Terminal output of the commands: tables of sources and runs, histories, diffs, copies (rich).

Scraped text is printed with markup off, so a page cannot inject rich markup. The
monitoring report's text is ``crawler.render.report``.
"""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from storage.archive.runs import COUNT_KEYS
from storage.text.diff import ChangeSummary


def sources_table(console: Console, rows: list[dict]) -> None:
    table = Table("name", "role", "site", "discovery", "schedule")
    for r in rows:
        discovery = f"{len(r['start_urls'])} start, {len(r['sitemaps'])} sitemap, {len(r['feeds'])} feed"
        table.add_row(r["name"], r["role"], r["origin"], discovery, r["schedule"] or "-")
    console.print(table)


OUTCOME_CAPTION = "new: new versions · same: unchanged · 304: not modified"


def _outcome_table(*leading: str) -> Table:
    """A table of text columns then outcome counts: no column is dropped or cut at 80 columns
    (one space between columns; a text column wraps, whole, rather than end in "…")."""
    table = Table(box=box.SIMPLE_HEAD, padding=0, pad_edge=False, show_edge=False,
                  collapse_padding=True)
    for header in leading:
        table.add_column(header, overflow="fold")
    for header in ("pages", "new", "same", "304", "gone", "errors"):  # the columns of COUNT_KEYS
        table.add_column(header, justify="right", min_width=len(header), no_wrap=True)
    return table


def crawl_summary(console: Console, rows: list[dict]) -> None:
    table = _outcome_table("source", "finish")
    for r in rows:
        table.add_row(r["source"], r["finish_reason"] or "-",
                      *(str(r[k]) for k in COUNT_KEYS))
    console.print(table)
    console.print(Text(OUTCOME_CAPTION, style="dim"))  # not the table's caption: a narrow table would wrap it
    for r in rows:
        console.print(Text(_discovery_line(r)))


def _discovery_line(r: dict) -> str:
    """What finding the articles cost, and whether ``max_pages`` stopped the discovery."""
    requests, other = r.get("requests", 0), r.get("other_requests", 0)
    line = f"{r['source']}: {requests:,} request{'s' if requests != 1 else ''}, {other:,} of them not for articles"
    if r.get("over_max_pages"):
        line += (f"; stopped discovering at max_pages: {r['over_max_pages']:,} more article "
                 f"URL{'s' if r['over_max_pages'] != 1 else ''} not fetched")
    return line


def runs_table(console: Console, rows: list[dict]) -> None:
    if not rows:
        console.print("no crawl runs yet")
        return
    table = _outcome_table("run", "source", "started (UTC)", "status")
    for r in rows:
        table.add_row(str(r["id"]), r["source"], r["started_at"][:16].replace("T", " "), r["status"],
                      *(str(r[k]) for k in COUNT_KEYS))
    console.print(table)
    console.print(Text(OUTCOME_CAPTION, style="dim"))


def history_text(console: Console, data: dict) -> None:
    console.print(Text(data["url"], style="bold"))
    table = Table("#", "captured (UTC)", "title", "change")
    for v in data["versions"]:
        change = _describe(v["change"]) if v["change"] else "first version"
        if v.get("reverts_to"):
            change += f" (back to version {v['reverts_to']})"
        table.add_row(str(v["number"]), v["captured_at"][:19].replace("T", " "), Text(v["title"] or "-"), change)
    console.print(table)


def _describe(change: dict) -> str:
    return ChangeSummary(**change).describe()


_STYLE = {"added": ("+ ", "green"), "removed": ("- ", "red"), "changed": ("~ ", "yellow"), "same": ("  ", "dim")}


def diff_text(console: Console, data: dict) -> None:
    console.print(Text(f"{data['url']}: version {data['from']} → {data['to']}", style="bold"))
    for p in data["paragraphs"]:
        mark, style = _STYLE[p["status"]]
        if p["status"] == "changed":
            console.print(Text("- " + p["old"], style="red"))
            console.print(Text("+ " + p["new"], style="green"))
        else:
            console.print(Text(mark + (p["new"] if p["new"] is not None else p["old"]), style=style))
    console.print(Text(_describe(data["summary"]), style="bold"))


_ROW_STYLE = {"same": "dim", "cosmetic": "cyan", "edited": "yellow", "omitted": "red", "added": "green",
              "boilerplate": "bright_black"}


BRIEF = ("omitted", "boilerplate")
BRIEF_CHARS = 100


def copies_text(console: Console, data: dict) -> None:
    console.print(Text(data["url"], style="bold"))
    if not data["copies"]:
        console.print("no copies found")
        return
    table = Table("page", "source", "relation", "original", "coverage", "precision")
    for c in data["copies"]:
        original = "this page" if c["original_url"] == data["url"] else "that page"
        table.add_row(Text(c["url"]), c["source"], c["relation"], f"{original} ({c['original_reason']})",
                      f"{c['coverage']:.0%}", f"{c['precision']:.0%}")
    console.print(table)


def compare_text(console: Console, data: dict) -> None:
    o, c = data["original"], data["copy"]
    console.print(Text.assemble(("original ", "bold"), o["url"], f" ({o['source']}, {data['original_reason']})"))
    console.print(Text.assemble(("copy     ", "bold"), c["url"], f" ({c['source']})"))
    console.print(Text(f"{data['relation']}: the copy carries {data['coverage']:.0%} of the original; "
                       f"{data['precision']:.0%} of the copy comes from it", style="bold"))
    for p in data["paragraphs"]:
        style = _ROW_STYLE[p["status"]]
        label = Text(f"{p['status']:<11} ", style=style + " bold")
        if p.get("words"):
            line = Text()
            for w in p["words"]:
                if w["op"] == "=":
                    line.append(w["text"] + " ")
                else:
                    line.append(("[-" if w["op"] == "-" else "{+") + w["text"] + ("-] " if w["op"] == "-" else "+} "),
                                style="red" if w["op"] == "-" else "green")
            console.print(label + line)
        else:
            text = p["copy"] if p["copy"] is not None else p["original"]
            if p["status"] in BRIEF and len(text) > BRIEF_CHARS:
                text = text[:BRIEF_CHARS].rstrip() + "…"  # the JSON and HTML forms keep the whole text
            console.print(label + Text(text, style=style))
    console.print(Text(", ".join(f"{n} {k}" for k, n in data["summary"].items()), style="bold"))
