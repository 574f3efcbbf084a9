"""Terminal output of ``discover``: each lead with its evidence and the command that adds it.

Hosts, names and URLs come from scraped pages: they are printed as plain text (no rich markup),
every URL whole on a line of its own so that it pastes.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from crawler.render.lines import print_url

NONE = ("No leads: no site outside the sources file is linked to from two archived pages or more, "
        "named as a source, or holds copies of archived pages.")


def leads_text(console: Console, data: dict) -> None:
    rows = data["leads"]
    if not rows and not data["unplaced_names"]:
        _line(console, NONE)
        return
    shown = f"{len(rows)} of {data['leads_total']}" if len(rows) < data["leads_total"] else str(len(rows))
    _line(console, f"{shown} lead{'' if data['leads_total'] == 1 else 's'} (sites not in the sources file), "
                   f"strongest first, from {data['pages_read']:,} current versions:")
    for k, row in enumerate(rows, 1):
        console.print()
        archived = f", in the archive as {row['in_archive']}" if row["in_archive"] else ""
        _line(console, f"{k}. {row['host']}  ({row['role']}, score {row['score']}{archived})")
        if row["copies"] or row["originals"]:
            originals = f", {_count(row['originals'], 'original')} of archived copies" if row["originals"] else ""
            _line(console, f"  {_count(row['copies'], 'copy', 'copies')} of archived pages there{originals}")
            for url in row["copy_pages"]:
                print_url(console, url, indent=4)
        if row["names"]:
            names = ", ".join(f'"{name}"' for name in row["names"])
            _line(console, f"  named as the source ({names}) by {_count(row['pages_naming'], 'page')}")
            for url in row["naming_pages"]:
                print_url(console, url, indent=4)
        if row["pages_linking"]:
            _line(console, f"  its articles linked from {_count(row['pages_linking'], 'page')}, e.g.")
            for url in row["links"]:
                print_url(console, url, indent=4)
        _line(console, "  add it with:")
        print_url(console, row["command"], indent=4)
    if data["unplaced_names"]:
        console.print()
        _line(console, "Named as a source, on no site found (no link, no matching host):")
        for row in data["unplaced_names"]:
            _line(console, f'  "{row["name"]}" by {_count(row["pages"], "page")}')
            for url in row["naming_pages"]:
                print_url(console, url, indent=4)


def _line(console: Console, text: str) -> None:
    """One line, never folded by rich (the terminal wraps it): a host or a name stays whole."""
    console.print(Text(text), soft_wrap=True)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else many or one + 's'}"
