"""Fetch a few pages of a site as its crawl would, without Scrapy: robots.txt obeyed, bounded.

``sources add`` and ``sources test`` read a handful of listings in a command that may run
many times in one process, where Scrapy's reactor (once per process) cannot serve. So this
is plain ``urllib``: a time-out, a size limit, the source's User-Agent and headers, redirects
followed on the site's own scheme, host and port only (as ``SameOriginMiddleware`` does), and
robots.txt read first and obeyed with the parser Scrapy uses (Protego). No
``Accept-Encoding`` is sent, so bodies come back as stored (a ``.xml.gz`` sitemap stays gzip:
the spider's sitemap parser unpacks it).
"""

from __future__ import annotations

import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.client import HTTPException

from protego import Protego

from crawler.settings import DOWNLOAD_MAXSIZE, USER_AGENT
from crawler.sources import Source
from storage.urls import origin_of

TIMEOUT = 10.0  # seconds per request


class SiteUnreachable(Exception):
    """The site gave no HTTP answer at all; the message is one line naming the URL."""


@dataclass
class Fetched:
    url: str  # after redirects
    status: int | None  # None: no answer (see problem)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    problem: str | None = None  # why there is no usable answer: robots.txt, no connection, too large

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0].strip().lower()


class _SameSite(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if origin_of(newurl) != origin_of(req.full_url):
            raise _OffSite(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _OffSite(Exception):
    pass


class Fetcher:
    """GETs for one source's pages; robots.txt fetched once per site, before anything else."""

    def __init__(self, *, user_agent: str | None = None, headers: tuple[tuple[str, str], ...] = (),
                 timeout: float = TIMEOUT, max_bytes: int = DOWNLOAD_MAXSIZE):
        self.user_agent = user_agent or USER_AGENT
        self.headers = headers
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.robots_files: dict[str, Fetched] = {}  # by site: what its robots.txt answered
        self._robots: dict[str, Protego | None] = {}
        self._answers: dict[str, Fetched] = {}  # each URL fetched once per command
        self._opener = urllib.request.build_opener(_SameSite)

    @classmethod
    def for_source(cls, source: Source) -> Fetcher:
        return cls(user_agent=source.user_agent, headers=source.headers)

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets this User-Agent fetch the URL (no robots.txt: yes)."""
        rules = self._rules(origin_of(url))
        return rules is None or rules.can_fetch(url, self.user_agent)

    def robots(self, url: str) -> Fetched:
        """The site's robots.txt as fetched; SiteUnreachable when the site does not answer."""
        site = origin_of(url)
        self._rules(site)
        answer = self.robots_files[site]
        if answer.status is None:
            raise SiteUnreachable(f"cannot reach {url}: {answer.problem}")
        return answer

    def robots_sitemaps(self, url: str) -> list[str]:
        """The sitemaps the site's robots.txt names (``Sitemap:`` lines), in its order."""
        rules = self._rules(origin_of(url))
        return list(rules.sitemaps) if rules is not None else []

    def get(self, url: str) -> Fetched:
        if not self.allowed(url):
            return Fetched(url, None, problem="robots.txt disallows it")
        if url not in self._answers:
            self._answers[url] = self._get(url)
        return self._answers[url]

    def _rules(self, site: str) -> Protego | None:
        if site not in self._robots:
            answer = self._get(site + "/robots.txt")
            self.robots_files[site] = self._answers[site + "/robots.txt"] = answer
            # As Scrapy: a robots.txt that cannot be had (404, no answer) allows everything.
            ok = answer.status == 200 and answer.body
            self._robots[site] = Protego.parse(answer.body.decode("utf-8", "ignore")) if ok else None
        return self._robots[site]

    def _get(self, url: str) -> Fetched:
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent, **dict(self.headers)})
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return self._read(response, response.status)
        except urllib.error.HTTPError as error:  # a 4xx/5xx answer is an answer
            with error:
                return self._read(error, error.code)
        except _OffSite as off:
            return Fetched(url, None, problem=f"redirects off the site, to {off.args[0]}")
        except (urllib.error.URLError, OSError, HTTPException, ValueError) as exc:
            return Fetched(url, None, problem=_reason(exc, self.timeout))

    def _read(self, response, status: int) -> Fetched:
        body = response.read(self.max_bytes + 1)
        url = response.geturl()
        headers = dict(response.headers.items())
        if len(body) > self.max_bytes:
            size = f"{self.max_bytes / 2**20:g} MB" if self.max_bytes >= 2**20 else f"{self.max_bytes / 2**10:g} KB"
            return Fetched(url, status, headers, problem=f"larger than {size}")
        return Fetched(url, status, headers, body)


def _reason(exc: BaseException, timeout: float) -> str:
    """Why a request got no answer, in a few plain words."""
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, ConnectionResetError):
        return "connection reset"
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"no answer within {timeout:g} s"
    if isinstance(reason, socket.gaierror):
        return "host not found"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error: {reason.reason or reason}"
    text = str(reason).strip().splitlines()
    return text[0] if text else type(reason).__name__
