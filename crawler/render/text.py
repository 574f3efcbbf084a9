"""Terminal output of the commands: tables of runs, histories, diffs, copies (rich).

Scraped text is printed with markup off, so a page cannot inject rich markup. The
monitoring report's text is ``crawler.render.report``; the sources' is ``crawler.render.sources``.
"""

from __future__ import annotations

from collections import Counter
from itertools import groupby

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from crawler.render.lines import hang, print_url
from storage.archive.runs import COUNT_KEYS, blocked_words
from storage.reports.diff import CONTEXT, collapsed
from storage.reports.snippets import marked
from storage.text.diff import ChangeSummary


OUTCOME_CAPTION = "new: new versions · same: unchanged · 304: not modified"
# The table's count columns; ``blocked`` is a line under the table (a column would not fit 80 columns).
TABLE_KEYS = tuple(key for key in COUNT_KEYS if key != "blocked")


def _outcome_table(*leading: str) -> Table:
    """A table of text columns then outcome counts: no column is dropped or cut at 80 columns
    (one space between columns; a text column wraps, whole, rather than end in "…")."""
    table = Table(box=box.SIMPLE_HEAD, padding=0, pad_edge=False, show_edge=False,
                  collapse_padding=True)
    for header in leading:
        table.add_column(header, overflow="fold")
    for header in ("pages", "new", "same", "304", "gone", "errors"):  # the columns of TABLE_KEYS
        table.add_column(header, justify="right", min_width=len(header), no_wrap=True)
    return table


def crawl_summary(console: Console, rows: list[dict]) -> None:
    table = _outcome_table("source", "finish")
    for r in rows:
        table.add_row(r["source"], r["finish_reason"] or "-",
                      *(str(r[k]) for k in TABLE_KEYS))
    console.print(table)
    console.print(Text(OUTCOME_CAPTION, style="dim"))  # not the table's caption: a narrow table would wrap it
    for r in rows:
        console.print(Text(_discovery_line(r)))
        if r.get("blocked"):
            console.print(Text(f"{r['source']}: {blocked_words(r['blocked'])}"))
        if r.get("suggestion"):
            console.print(Text(f"{r['source']}: {r['suggestion']}", style="yellow"))


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
                      *(str(r[k]) for k in TABLE_KEYS))
    console.print(table)
    console.print(Text(OUTCOME_CAPTION, style="dim"))
    for r in rows:
        if r.get("blocked"):
            console.print(Text(f"run {r['id']} ({r['source']}): {blocked_words(r['blocked'])}"))


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


_STYLE = {"added": ("+", "green"), "removed": ("-", "red"), "changed": ("~", "yellow"), "same": ("", "dim")}


def diff_text(console: Console, data: dict, context: int = CONTEXT) -> None:
    """A diff that points at the change: the URL whole, the title change and where a cut text
    now ends, each change with ``context`` unchanged paragraphs around it, changed words marked."""
    print_url(console, data["url"], indent=0, style="bold")
    hang(console, "", Text(f"version {data['from']} → {data['to']}: {_describe(data['summary'])}", style="bold"))
    if data["title"]["change"]:
        hang(console, "", Text(data["title"]["change"], style="cyan"))
    if data["ends"]:
        hang(console, "", Text(data["ends"]["text"], style="red"))
    for p in collapsed(data, context):
        if p["status"] == "unchanged":
            hang(console, "", Text(p["text"], style="dim italic"), 2)
            continue
        mark, style = _STYLE[p["status"]]
        if p["status"] == "changed":
            body = _marked_words(p["words"])
        else:
            body = Text(p["new"] if p["new"] is not None else p["old"], style=style)
        hang(console, Text(mark, style=style + " bold"), body, 2)


_ROW_STYLE = {"same": "dim", "cosmetic": "cyan", "edited": "yellow", "omitted": "red", "added": "green",
              "boilerplate": "bright_black"}


BRIEF = ("omitted", "boilerplate")
BRIEF_CHARS = 100


def copies_text(console: Console, data: dict) -> None:
    """Each copy on two lines: its relation and figures (no column left out), then its URL whole."""
    print_url(console, data["url"], indent=0, style="bold")
    if not data["copies"]:
        console.print("no copies found")
        return
    n = len(data["copies"])
    console.print(f"{n} linked page{'s' if n != 1 else ''}:")
    for c in data["copies"]:
        original = "this page" if c["original_url"] == data["url"] else "that page"
        hang(console, "", Text.assemble((c["relation"], "bold"),
                                        f" on {c['source']}: coverage {c['coverage']:.0%}, precision "
                                        f"{c['precision']:.0%}; {original} is the original ({c['original_reason']})"))
        print_url(console, c["url"])


def compare_text(console: Console, data: dict) -> None:
    """The verdict, the two pages (URLs whole, titles when they differ), then paragraph by
    paragraph; two pages that are no copies show only what they share."""
    hang(console, "", Text(data["verdict"], style="bold"))
    first, second = data["pages"]
    labels = (("original", f"{first['source']}, chosen by {data['original_reason']}"), ("copy", second["source"])) \
        if data["is_copy"] else (("first", first["source"]), ("second", second["source"]))
    for page, (label, detail) in zip(data["pages"], labels, strict=True):
        hang(console, Text(label, style="bold"), Text(detail), 10)
        if data["titles_differ"] or not data["is_copy"]:
            hang(console, "", Text(page["title"] or "-", style="italic"), 10)
        print_url(console, page["url"])
    rows = data["paragraphs"] if data["is_copy"] else [p for p in data["paragraphs"] if p["original"] and p["copy"]
                                                        and p["status"] != "boilerplate"]
    for p in rows:
        style = _ROW_STYLE[p["status"]]
        label = Text(p["status"], style=style + " bold")
        if p.get("words"):
            hang(console, label, _marked_words(p["words"]), 12)
            continue
        text = p["copy"] if p["copy"] is not None else p["original"]
        if p["status"] in BRIEF and len(text) > BRIEF_CHARS:
            text = text[:BRIEF_CHARS].rstrip() + "…"  # the JSON and HTML forms keep the whole text
        body = Text(text, style=style)
        if p.get("typography"):
            body.append(f" ({_typography_note(p['typography'])})", style="dim")
        hang(console, label, body, 12)
    if data["is_copy"]:
        hang(console, "", Text(", ".join(f"{n} {k}" for k, n in data["summary"].items()), style="bold"))


_MARK_STYLE = {"-": "red", "+": "green"}


def _marked_words(words: list[dict]) -> Text:
    """A word diff in the report's marks (``[-old-] {+new+}``), coloured on a terminal."""
    line = Text()
    for k, w in enumerate(words):
        if k:
            line.append(" ")
        line.append(marked(w["op"], w["text"]), style=_MARK_STYLE.get(w["op"], ""))
    return line


_QUOTES = set("'\"‘’‚‛“”„‟′″`´«»")
_DASHES = set("-‐‑‒–—―−")
_DOTS = set(".…")


def _typography_note(pieces: list[dict]) -> str:
    """What a cosmetic paragraph changed, counted: ``quotes ×3, spacing ×1``."""
    counts: Counter[str] = Counter()
    for equal, group in groupby(pieces, key=lambda p: p["op"] == "="):
        if not equal:
            group = list(group)
            counts[_typography_kind("".join(p["text"] for p in group if p["op"] == "-"),
                                    "".join(p["text"] for p in group if p["op"] == "+"))] += 1
    return ", ".join(f"{kind} ×{n}" for kind, n in counts.items())


def _typography_kind(old: str, new: str) -> str:
    chars = {c for c in old + new if not c.isspace()}
    if not chars:
        return "spacing"
    for kind, allowed in (("quotes", _QUOTES), ("dashes", _DASHES), ("ellipses", _DOTS)):
        if chars <= allowed:
            return kind
    return "case" if old.casefold() == new.casefold() else "typography"


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
