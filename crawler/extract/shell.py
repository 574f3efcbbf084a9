"""Is a page fetched over HTTP an application shell, whose text a script builds in the browser?

Such a page is a root element (``<div id="root">``, ``"app"``, ``"__next"``...) with scripts and
almost no text of its own: stored as it is, it would be an empty version, or one titled
"Loading…". :func:`shell_of` is asked, in the extraction worker and on the page's one parsed
tree, only when extraction found little or no main text (so an article with its text in the
HTML never pays for the check), and the pipeline records such a page as an error capture with
:data:`SHELL_REASON`; the crawl summary then suggests ``render = "browser"`` for the source
(``mirrorwatch/render/app_shells``). :func:`shell_reason` is the same check on a body.
"""

from __future__ import annotations

import lxml.html
from lxml import etree

from storage.types import Extracted

SHELL_REASON = 'application shell: the text is built by JavaScript (try render = "browser")'
ROOT_IDS = frozenset({"root", "app", "__next", "__nuxt", "___gatsby", "svelte", "main-app", "react-root", "spa"})
MAX_TEXT = 200  # visible characters, at most, of a shell
MAX_EXTRACTED = 200  # characters of main text an extraction may find in a page checked at all
_INVISIBLE = ("script", "style", "noscript", "template", "head")


def shell_reason(body: bytes, extracted: Extracted | None) -> str | None:
    """:data:`SHELL_REASON` when ``body`` is an application shell, else None."""
    if extracted is not None and len(extracted.text) > MAX_EXTRACTED:
        return None
    try:
        root = lxml.html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return None
    return shell_of(root, extracted)


def shell_of(root, extracted: Extracted | None) -> str | None:
    """:data:`SHELL_REASON` when the parsed page ``root`` is an application shell, else None.
    It removes the page's scripts and styles from ``root``: the tree's last use."""
    if extracted is not None and len(extracted.text) > MAX_EXTRACTED:
        return None
    if not root.xpath("//script"):
        return None
    if not (_mount_point(root) or _empty_body(root)):
        return None
    for el in root.xpath("|".join(f"//{tag}" for tag in _INVISIBLE)):
        el.drop_tree()
    text = " ".join(root.text_content().split())
    return SHELL_REASON if len(text) <= MAX_TEXT else None


def _mount_point(root) -> bool:
    """A root element a script mounts its application on: a known id, or a custom element (``<gg-app>``)."""
    body = root.find("body")
    if body is None:
        return False
    if any(el.get("id", "").lower() in ROOT_IDS or el.get("id", "").startswith("__") for el in body.iter()
           if isinstance(el.tag, str)):
        return True
    return any(isinstance(el.tag, str) and "-" in el.tag for el in body)


def _empty_body(root) -> bool:
    """A body holding nothing but one empty element and scripts (a mount point without a known id)."""
    body = root.find("body")
    if body is None:
        return False
    children = [el for el in body if isinstance(el.tag, str) and el.tag not in ("script", "noscript", "style")]
    return len(children) == 1 and not " ".join(children[0].text_content().split())
