"""The Atom feed of recent changes (``/feed.atom``), filterable like the change list.

Built with ElementTree, which escapes every scraped string. Each entry is one version:
its link goes to the dashboard's diff (or to the page, for a first version), its id is a
``tag:`` URI that stays the same whatever host serves the dashboard.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

from storage.text.diff import ChangeSummary

ATOM = "http://www.w3.org/2005/Atom"
ET.register_namespace("", ATOM)


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def entry_id(url: str, number: int) -> str:
    return f"tag:mirrorwatch,2026:version:{hashlib.sha256(url.encode()).hexdigest()[:24]}:{number}"


def describe(change: dict | None) -> str:
    """``+36/-4 chars, 1 paragraph added`` (the summary stored with a version), or "first version"."""
    return ChangeSummary(**change).describe() if change else "first version"


def atom_feed(data: dict, *, base: str, self_url: str, title: str = "mirrorwatch: recent changes") -> bytes:
    """``data`` is one page of the change list (``storage.reports.changelist``)."""
    base = base.rstrip("/")
    feed = ET.Element(f"{{{ATOM}}}feed")
    _el(feed, "title", title)
    _el(feed, "id", self_url)
    _el(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    _el(feed, "link", rel="alternate", href=base + "/changes", type="text/html")
    author = _el(feed, "author")
    _el(author, "name", "mirrorwatch")
    _el(feed, "generator", "mirrorwatch")
    rows = data["changes"]
    _el(feed, "updated", rows[0]["captured_at"] if rows else datetime.now(UTC).isoformat())
    for row in rows:
        entry = _el(feed, "entry")
        label = row["change_class"] or "changed"
        _el(entry, "title", f"[{label}] {row['title'] or row['url']}")
        _el(entry, "id", entry_id(row["url"], row["number"]))
        _el(entry, "updated", row["captured_at"])
        if row["number"] > 1:
            href = f"{base}/diff?" + urlencode({"url": row["url"], "from": row["number"] - 1, "to": row["number"]})
        else:
            href = f"{base}/page?" + urlencode({"url": row["url"]})
        _el(entry, "link", rel="alternate", href=href, type="text/html")
        _el(entry, "link", rel="related", href=row["url"])
        _el(entry, "category", term=label)
        significance = "" if row["significance"] is None else f"; significance {row['significance']:.2f}"
        _el(entry, "summary", f"{row['source']}: version {row['number']} of {row['url']}: "
                              f"{describe(row['change'])}{significance}")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
