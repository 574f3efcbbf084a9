"""An archive with leads for ``mirrorwatch discover``: pages of two configured sources that link to
other sites' articles, name their sources and carry share buttons, and a copy on a source the
sources file does not configure; recorded through the archive's write path."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.archive import Archive
from storage.archive import discovered
from storage.types import Extracted, Fetch
from tests.support.records import ARTICLE

T0 = datetime(2026, 3, 1, tzinfo=UTC)
NEWS, BLOG = "http://127.0.0.1:9001", "http://127.0.0.1:9002"  # configured: port-news, harbour-watch
COPIES = "http://127.0.0.1:9007"  # in the archive, discovered (as a scan leaves it), not in the sources file
TIMES = "https://www.harbourtimes.example"
WIRE = "https://wire.example"
LAMP = "http://127.0.0.1:9008"
CONFIGURED = {"port-news": f"{NEWS}", "harbour-watch": f"{BLOG}"}
P1, P2, P3, P4 = (f"{NEWS}/2026/03/0{k}/story-{k}.html" for k in (1, 2, 3, 4))
COPY = f"{COPIES}/2026/03/05/harbour-channel/"
SHARE = "https://twitter.com/intent/tweet?url=http%3A%2F%2F127.0.0.1%3A9001%2Fstory"
PROFILE = "https://twitter.com/portnews"

OTHER = [
    "Fishermen from the northern villages asked the regional council for compensation on Tuesday, saying the dredging season overlaps with the herring run.",
    "A storm warning was issued for the whole coast on Wednesday night, and ferries to the islands were cancelled until Friday morning at the earliest.",
    "The old lighthouse on the breakwater will be lit again for the first time in forty years, after volunteers restored its lamp and clockwork.",
    "The council's budget committee postponed its vote on the harbour tunnel, asking for an independent review of the traffic forecasts first.",
]


def record(archive: Archive, source: str, url: str, paragraphs: list[str], links=(), *, minutes: int = 0) -> None:
    body = ("|".join(paragraphs) + "|".join(links)).encode()
    archive.record(Fetch(source, url, T0 + timedelta(minutes=minutes), 200, body),
                   Extracted("A harbour story", None, None, None, "en", None, tuple(paragraphs),
                             "trafilatura", "2.3.1", "test", tuple(links)))


def build(url: str) -> None:
    """The archive at ``url``: four articles of port-news, and an excerpt of the first on an
    unconfigured source a scan discovered ("blog-copies") that names port-news as its source."""
    archive = Archive.open(url)
    archive.ensure_source("port-news", role="origin", origin=NEWS)
    archive.ensure_source("harbour-watch", role="mirror", origin=BLOG)
    archive.ensure_source("blog-copies", role="mirror", origin=COPIES)
    discovered.mark_discovered(archive.session, "blog-copies")
    record(archive, "port-news", P1, ARTICLE + ["This article was originally published on Harbour Times."],
           [f"{TIMES}/2026/03/01/channel-to-be-deepened/", f"{TIMES}/", f"{BLOG}/2026/03/01/a-copy-of-the-story/",
            SHARE, PROFILE])
    record(archive, "port-news", P2, [OTHER[0], "Source: Coastal Wire"],
           [f"{TIMES}/2026/03/02/fishermen-ask-for-compensation", f"{WIRE}/2026/03/01/storm-warning",
            "https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2F127.0.0.1%3A9001%2Fstory", SHARE,
            f"{BLOG}/2026/03/02/fishermen-again/"], minutes=1)
    record(archive, "port-news", P3, [OTHER[2], "It was first published in the Lighthouse Gazette."],
           [f"{LAMP}/news/lamp.html", PROFILE], minutes=2)
    # P4's first version names a source and links to it; its current version does neither
    record(archive, "port-news", P4, [OTHER[3], "Originally published on Gone Daily."],
           ["https://gone.example/2026/02/01/old-story"], minutes=3)
    record(archive, "port-news", P4, [OTHER[3], OTHER[1]],
           [f"{WIRE}/world/storm-hits-the-coast", "https://lonely.example/news/one-off-story.html", SHARE], minutes=4)
    record(archive, "blog-copies", COPY, ARTICLE[:3] + ["Source: Port News"], minutes=5)
    archive.engine.dispose()


# The leads of that archive, strongest first (what ``storage.reports.leads.leads`` returns for them).
def _lead(host, origin, url, name, role, score, **evidence):
    row = {"host": host, "origin": origin, "url": url, "name": name, "in_archive": None, "role": role, "score": score,
           "pages_linking": 0, "linking_pages": [], "links": [], "names": [], "pages_naming": 0, "naming_pages": [],
           "copies": 0, "copy_pages": [], "originals": 0}
    return row | evidence


LEADS = [
    _lead("www.harbourtimes.example", f"{TIMES}:443", f"{TIMES}/", "www.harbourtimes.example", "origin", 3,
          pages_linking=2, linking_pages=[P1, P2],
          links=[f"{TIMES}/2026/03/01/channel-to-be-deepened/", f"{TIMES}/2026/03/02/fishermen-ask-for-compensation"],
          names=["Harbour Times"], pages_naming=1, naming_pages=[P1]),
    _lead("127.0.0.1:9008", LAMP, f"{LAMP}/", "127.0.0.1-9008", "origin", 2, pages_linking=1, linking_pages=[P3],
          links=[f"{LAMP}/news/lamp.html"], names=["Lighthouse Gazette"], pages_naming=1, naming_pages=[P3]),
    _lead("wire.example", f"{WIRE}:443", f"{WIRE}/", "wire.example", "origin", 2, pages_linking=2, linking_pages=[P2, P4],
          links=[f"{WIRE}/2026/03/01/storm-warning", f"{WIRE}/world/storm-hits-the-coast"]),
    _lead("127.0.0.1:9007", COPIES, f"{COPIES}/", "blog-copies", "mirror", 1, in_archive="blog-copies", copies=1, copy_pages=[COPY]),
]
UNPLACED = [{"name": "Coastal Wire", "pages": 1, "naming_pages": [P2]}]
