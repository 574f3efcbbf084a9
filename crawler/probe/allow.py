r"""An ``allow`` pattern proposed from the URLs that a site's sitemaps and feeds list.

Listings name articles, mostly; section, tag and author pages are mostly reached through links.
So the listed URLs are grouped by shape: their path's directories (a run of digits written
``\d{n}``: a year, a month, an id) and how the last segment ends (an extension such as
``.html``, a trailing slash, a query). Each shape is a pattern in the style of
sources.example.toml, ``/articles/\d{4}/\d{2}/[^/]+\.html$``: the directories, then one last
segment of any name, so a section page (``/articles/``) or a tag page (``/tag/economy/``)
does not match. Only URLs whose last segment reads like an article's are weighed (a slug or
an id: a hyphen, an underscore, a digit, or 20 characters), so the sections a sitemap also
lists (``/section/world/``) get no pattern of their own. The largest shapes are taken until
they cover ``COVER`` of those URLs, at most ``MAX_PATTERNS``; if that is not enough, shapes
that differ in a directory name are merged (``/news/[^/]+/[^/]+\.html$``). What a proposal matches is counted with ``re.search``
on the whole URL, as the spider's ``is_article`` does.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

COVER = 0.9
MAX_PATTERNS = 3
_EXTENSION = re.compile(r"(\.[A-Za-z0-9]{1,5})$")
_SPECIAL = re.compile(r"([.^$*+?{}\[\]\\|()])")

Shape = tuple[tuple[str, ...], str]  # (directories as regex parts, the last segment's pattern)


@dataclass(frozen=True)
class Proposal:
    allow: tuple[str, ...]  # empty: no pattern found
    listed: int  # URLs the listings gave
    listed_matched: int
    unmatched: tuple[str, ...]  # listed URLs the patterns leave out
    others_matched: tuple[str, ...]  # URLs found only through links that the patterns take for articles

    def as_dict(self) -> dict:
        return {"allow": list(self.allow), "listed": self.listed, "listed_matched": self.listed_matched,
                "unmatched": list(self.unmatched), "others_matched": list(self.others_matched)}


def propose_allow(listed: list[str], others: list[str]) -> Proposal:
    """A pattern for the ``listed`` article URLs; ``others`` (links not in a listing) are checked against it."""
    weighed = [url for url in listed if _slug_like(url)] or listed
    shapes = Counter(shape for shape in map(shape_of, weighed) if shape is not None)
    merged = _merged(shapes)
    total = sum(shapes.values())
    chosen = _cover(shapes, total) or _cover(merged, total) or [s for s, _ in merged.most_common(MAX_PATTERNS)]
    allow = tuple(pattern(s) for s in chosen)
    regexes = [re.compile(p) for p in allow]

    def matches(url: str) -> bool:
        return any(r.search(url) for r in regexes)

    matched = [url for url in listed if matches(url)]
    return Proposal(allow, len(listed), len(matched), tuple(u for u in listed if not matches(u)),
                    tuple(u for u in others if matches(u)))


def shape_of(url: str) -> Shape | None:
    """The shape of an article URL; None for a site's home page."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        return None
    *dirs, last = segments
    generic = tuple(rf"\d{{{len(d)}}}" if d.isdigit() else _escape(d) for d in dirs)
    if parts.query:
        return generic, _escape(last) + r"\?"
    if parts.path.endswith("/"):
        return generic, "[^/]+/$"
    extension = _EXTENSION.search(last)
    return generic, "[^/]+" + (_escape(extension.group(1)) if extension and not last.isdigit() else "") + "$"


def pattern(shape: Shape) -> str:
    dirs, last = shape
    path = "/".join((*dirs, last))
    # Searched in the whole URL: without a first directory of its own, the host would match one.
    return (r"^https?://[^/]+/" if not dirs or dirs[0] == "[^/]+" else "/") + path


def _slug_like(url: str) -> bool:
    last = ([s for s in urlsplit(url).path.split("/") if s] or [""])[-1]
    stem = _EXTENSION.sub("", last)
    return bool(re.search(r"[-_\d]", stem)) or len(stem) >= 20


def _cover(shapes: Counter, total: int) -> list[Shape] | None:
    """The largest shapes until COVER of ``total``; None when MAX_PATTERNS are not enough."""
    chosen, covered = [], 0
    for shape, count in shapes.most_common():
        chosen.append(shape)
        covered += count
        if covered >= COVER * total:
            return chosen
        if len(chosen) == MAX_PATTERNS:
            return None
    return chosen or None


def _merged(shapes: Counter) -> Counter:
    """Shapes of the same depth and ending merged: a directory that differs becomes ``[^/]+``."""
    groups: dict[tuple[int, str], list[Shape]] = {}
    for shape in shapes:
        groups.setdefault((len(shape[0]), shape[1]), []).append(shape)
    merged: Counter = Counter()
    for (_, last), members in groups.items():
        dirs = tuple(parts[0] if len(set(parts)) == 1 else "[^/]+" for parts in zip(*(m[0] for m in members)))
        merged[(dirs, last)] += sum(shapes[m] for m in members)
    return merged


def _escape(text: str) -> str:
    """Only what a regex reads as special: ``re.escape`` would also write ``\\-`` for every hyphen."""
    return _SPECIAL.sub(r"\\\1", text)
