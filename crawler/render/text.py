"""Terminal output of the commands: tables of sources and runs, histories, diffs, copies (rich).

Scraped text is printed with markup off, so a page cannot inject rich markup. The
monitoring report's text is ``crawler.render.report``.
"""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.padding import Padding
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
    """A table of text columns then outcome counts, narrow enough for 80 columns."""
    table = Table(caption=OUTCOME_CAPTION, box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False,
                  collapse_padding=True)
    for header in leading:
        table.add_column(header, no_wrap=True)
    for header in ("pages", "new", "same", "304", "gone", "errors"):  # the columns of COUNT_KEYS
        table.add_column(header, justify="right", min_width=len(header))
    return table


def crawl_summary(console: Console, rows: list[dict]) -> None:
    table = _outcome_table("source", "finish")
    for r in rows:
        table.add_row(r["source"], r["finish_reason"] or "-",
                      *(str(r[k]) for k in COUNT_KEYS))
    console.print(table)


def runs_table(console: Console, rows: list[dict]) -> None:
    if not rows:
        console.print("no crawl runs yet")
        return
    table = _outcome_table("run", "source", "started (UTC)", "status")
    for r in rows:
        table.add_row(str(r["id"]), r["source"], r["started_at"][:16].replace("T", " "), r["status"],
                      *(str(r[k]) for k in COUNT_KEYS))
    console.print(table)


def history_text(console: Console, data: dict) -> None:
    """One line per version (number, capture time, class, significance, change), its title under
    it: readable at 80 columns, where a table would squeeze the title into a narrow column."""
    console.print(Text(data["url"], style="bold"), soft_wrap=True)
    if data.get("gone_at"):
        since = data["gone_at"][:19].replace("T", " ")
        console.print(Text(f"gone since {since} UTC (answered 404 or 410)", style="bold red"))
    rows = []
    for v in data["versions"]:
        change = _describe(v["change"]) if v["change"] else "first version"
        if v.get("reverts_to"):
            change += f" (back to version {v['reverts_to']})"
        kind = v.get("change_class") or ("new" if v["number"] == 1 else "-")
        significance = "-" if v.get("significance") is None else f"{v['significance']:.2f}"
        rows.append((str(v["number"]), v["captured_at"][:19].replace("T", " "), kind, significance, change,
                     v["title"] or "-"))
    width = max([len("class"), *(len(r[2]) for r in rows)])
    console.print(Text(f"{'#':>3}  {'captured (UTC)':<19}  {'class':<{width}}  {'sig.':>4}  change", style="bold"))
    for number, captured, kind, significance, change, title in rows:
        line = Table.grid(padding=(0, 2))  # the change wraps under itself, not under the number
        for column_width, justify in ((3, "right"), (19, "left"), (width, "left"), (4, "right")):
            line.add_column(width=column_width, no_wrap=True, justify=justify)
        line.add_column()
        line.add_row(number, captured, kind, significance, change)
        console.print(line)
        console.print(Text("     " + title, style="dim"))


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


def captures_text(console: Console, data: dict) -> None:
    console.print(Text(data["url"], style="bold"), soft_wrap=True)
    if data["gone_at"]:
        since = data["gone_at"][:19].replace("T", " ")
        console.print(Text(f"gone since {since} UTC (answered 404 or 410)", style="bold red"))
    if not data["captures"]:
        console.print("no captures")
        return
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False, collapse_padding=True)
    for header in ("fetched (UTC)", "status", "outcome", "version"):
        table.add_column(header, no_wrap=True)
    table.add_column("reason")
    for c in data["captures"]:
        table.add_row(c["fetched_at"][:19].replace("T", " "), str(c["status"] or "-"), c["outcome"],
                      str(c["version"] or "-"), Text(c["error"] or "-"))
    console.print(table)


def version_text(console: Console, data: dict) -> None:
    console.print(Text(data["url"], style="bold"), soft_wrap=True)
    captured = data["captured_at"][:19].replace("T", " ")
    console.print(Text(f"version {data['version']} of {data['versions']}, captured {captured} UTC, "
                       f"language {data['language'] or 'unknown'}", style="bold"))
    if data["title"]:
        console.print(Text(data["title"], style="bold"))
    console.print()
    for paragraph in data["text"].split("\n"):
        console.print(Text(paragraph))
        console.print()


def search_results(console: Console, data: dict) -> None:
    """Each hit as its whole URL on a line of its own, then title · source, then the passage."""
    texts = {t["url"] for t in data["texts"]}
    hits = data["texts"] + [dict(p, passage=[]) for p in data["pages"] if p["url"] not in texts]
    if not hits:
        console.print(f"nothing found for {data['query']!r}")
        return
    for hit in hits:
        console.print(Text(hit["url"], style="bold"), soft_wrap=True)
        console.print(_indented(Text(f"{hit['title'] or '(no title)'} · {hit['source']}")))
        passage = Text()
        for seg in hit["passage"]:
            passage.append(" ".join(seg["text"].split("\n")), style="bold yellow" if seg["match"] else "")
        console.print(_indented(passage if hit["passage"] else Text("(URL or title)", style="dim")))
    console.print(Text(f"{len(data['texts'])} by text, {len(hits) - len(data['texts'])} more by URL or title",
                       style="dim"))


def _indented(text: Text) -> Padding:
    return Padding(text, (0, 0, 0, 2), expand=False)
