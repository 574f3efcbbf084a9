"""Answers that stand in for an article: bot walls, block pages, consent and login walls,
a site's error template. Each is recorded as a ``blocked`` capture (never a version, never a
gone page: the page keeps its last version, see ``storage.archive.write``).

* :func:`block_page`: a challenge or block page of a bot-protection service, judged on the
  raw response (status, headers, markup) before any extraction: Cloudflare's "Just a
  moment..." challenge (``cf-mitigated: challenge``, its ``/cdn-cgi/challenge-platform/``
  script) and "Attention Required!" block page, Akamai's "Access Denied" reference page,
  Imperva/Incapsula, Sucuri's firewall page, DataDome, PerimeterX (HUMAN) and captcha pages
  (hCaptcha, reCAPTCHA, Turnstile). A service's own markers (its headers, its challenge
  scripts) are enough on a 403, 429 or 503; on a 200 the page must also have almost no text,
  so an article with a reCAPTCHA comment form, or one that quotes "Access denied", is kept.
* :func:`replaces_article`: a 200 whose text replaces a known article with a few lines: a
  consent, login or subscription wall (wall words in a text under half the current one and
  under 1,500 characters, words the current article does not say itself: a truncated article
  that mentions cookies or signing in is a truncation), or a text a small fraction of the
  current one that shares little of its words.
* :class:`ErrorTemplates`: a 200 whose short text is the same across several pages of the
  source in this run ("Service temporarily unavailable"): the site's error template.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from html import unescape

from storage.text.normalize import normalize_text

_HEAD = 65536  # bytes of the body searched: the markers are in the head or near the top
_BLOCK_STATUSES = frozenset({401, 403, 405, 406, 429, 503})
VISIBLE_MAX_CHARS = 1200  # a 200 with a service's markers is a wall only when its visible text is shorter

# (what to call it, strings of the lower-cased markup, a regex that must match too or None); the
# first whose string is found (and regex matches) names the wall. Strings, not one regex each:
# they are looked for in every page a crawl fetches, and a substring search of 64 KB is some
# hundred times faster than an alternation tried at each of its positions (10 ms a page before).
_MARKUP = [
    ("Cloudflare challenge", (b"/cdn-cgi/challenge-platform/", b"window._cf_chl_opt", b"cf-chl-",
                              b"challenges.cloudflare.com/turnstile"), None),
    ("Cloudflare block page", (b"attention required! | cloudflare", b"cf-error-details", b"cloudflare ray id"), None),
    ("Akamai block page", (b"errors.edgesuite.net",), None),
    ("Akamai block page", (b"you don't have permission to access",),
     re.compile(rb"you don't have permission to access .{0,200} on this server\..{0,400}reference #", re.DOTALL)),
    ("Imperva block page", (b"_incapsula_resource", b"incapsula incident id"), None),
    ("Sucuri firewall", (b"sucuri website firewall", b"cloudproxy.sucuri.net", b"sucuri.net/privacy-policy"), None),
    ("DataDome captcha", (b"captcha-delivery.com", b"datadome"), None),
    ("PerimeterX captcha", (b"px-captcha", b"captcha.px-cdn.net", b"_pxappid", b"perimeterx"), None),
    ("hCaptcha", (b"hcaptcha.com/1/api.js", b'class="h-captcha"'), None),
    ("reCAPTCHA", (b"google.com/recaptcha/api.js", b'class="g-recaptcha"'), None),
]
# Titles of block and challenge pages (a page whose <title> is one of these, and little else).
_TITLES = re.compile(r"^(just a moment\.*|attention required!.*|access denied.*|access to this page has been denied.*"
                     r"|are you a (?:robot|human)\??|security check.*|verify you are (?:a )?human.*|pardon our interruption.*"
                     r"|request blocked|you have been blocked|forbidden|403 forbidden|blocked|captcha.*"
                     r"|one more step|please wait\.*|ddos-guard)$")
_TITLE = re.compile(rb"<title[^>]*>(.{0,300}?)</title>", re.IGNORECASE | re.DOTALL)
_SCRIPT_STYLE = re.compile(rb"<(script|style|noscript|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(rb"<[^>]*>")
_SPACE = re.compile(r"\s+")

# Words of consent, login and subscription walls, and of error pages.
_WALL_WORDS = re.compile(
    r"\b(subscribe|subscription|subscribers?|sign in|log in|login|create (?:a|an|your) (?:free )?account"
    r"|already a (?:subscriber|member)|paywall|continue reading|read the full (?:article|story)"
    r"|cookies?|consent|accept all|reject all|privacy settings|we value your privacy"
    r"|unavailable|maintenance|try again later|temporarily|too many requests|access denied|captcha"
    r"|verify you are|are you a robot|enable javascript)\b", re.IGNORECASE)
WALL_MAX_RATIO = 0.5  # a wall's text is under this share of the current article's
WALL_MAX_CHARS = 1500  # ... and this long at most (a long text with "sign in" in it is an article)
STRANGER_MAX_RATIO = 0.25  # ... or under this share, and
STRANGER_MAX_SHARED = 0.3  # ... with fewer than this share of its words in the current article
_WORD = re.compile(r"\w{4,}")


def _header(headers, name: str) -> str:
    for key, value in headers:
        if key.lower() == name:
            return value.lower()
    return ""


def visible_text(body: bytes) -> str:
    """The text a reader would see, roughly (tags, scripts and styles removed)."""
    text = _TAG.sub(b" ", _SCRIPT_STYLE.sub(b" ", body)).decode("utf-8", "replace")
    return _SPACE.sub(" ", unescape(text)).strip()


def block_page(status: int | None, headers: Iterable[tuple[str, str]], body: bytes | None) -> str | None:
    """Why a response is a bot wall or block page (``blocked by the site: ...``), or None."""
    if status is None:
        return None
    headers = list(headers)
    if _header(headers, "cf-mitigated") == "challenge":
        return _say("Cloudflare challenge", status, body)
    head = (body or b"")[:_HEAD].lower()
    name = next((name for name, strings, pattern in _MARKUP
                 if any(m in head for m in strings) and (pattern is None or pattern.search(head))), None)
    if name is None and status in _BLOCK_STATUSES:
        name = _service(headers)
    title = _title(head)
    if name is None and title is not None and _TITLES.match(title) and (status in _BLOCK_STATUSES or status == 200):
        name = "block page"
    if name is None:
        return None
    if status == 200 and len(visible_text(body or b"")) > VISIBLE_MAX_CHARS:
        return None  # an article with a captcha form, or one that quotes a block page
    if status not in _BLOCK_STATUSES and status != 200:
        return None
    return _say(name, status, body)


def _service(headers: list[tuple[str, str]]) -> str | None:
    """A bot-protection service named by the response headers of a refusal."""
    server = _header(headers, "server")
    if "cloudflare" in server:
        return "Cloudflare block page"
    if "akamaighost" in server:
        return "Akamai block page"
    if _header(headers, "x-datadome") or _header(headers, "x-dd-b"):
        return "DataDome captcha"
    if _header(headers, "x-sucuri-id") or "sucuri" in server:
        return "Sucuri firewall"
    if _header(headers, "x-iinfo") or _header(headers, "x-cdn") == "incapsula":
        return "Imperva block page"
    return None


def _title(head: bytes, *, lower: bool = True) -> str | None:
    found = _TITLE.search(head)
    if found is None:
        return None
    title = _SPACE.sub(" ", unescape(found.group(1).decode("utf-8", "replace"))).strip()
    return title.lower() if lower else title


def _say(name: str, status: int, body: bytes | None) -> str:
    title = _title((body or b"")[:_HEAD], lower=False)
    said = f", {title[:80]!r}" if title else ""
    return f"blocked by the site: {name} (HTTP {status}{said})"


def replaces_article(text: str, current: str) -> str | None:
    """Why a new 200 text is a wall standing in for the current article, or None."""
    if not current or len(text) >= WALL_MAX_RATIO * len(current):
        return None
    share = f"{len(text)} characters where the article has {len(current)}"
    words = sorted(_wall_words(text) - _wall_words(current)) if len(text) <= WALL_MAX_CHARS else []
    if words:
        return f"blocked by the site: a wall replaces the article ({share}; says {', '.join(words[:3])})"
    new_words = {w.lower() for w in _WORD.findall(text)}
    old_words = {w.lower() for w in _WORD.findall(current)}
    shared = len(new_words & old_words) / len(new_words) if new_words else 0.0
    if len(text) < STRANGER_MAX_RATIO * len(current) and shared < STRANGER_MAX_SHARED:
        return f"blocked by the site: another text replaces the article ({share}, {shared:.0%} of its words shared)"
    return None


def _wall_words(text: str) -> set[str]:
    return {m.group(0).lower() for m in _WALL_WORDS.finditer(text)}


class ErrorTemplates:
    """The short texts a source's pages brought in this run, by the pages that brought them.

    A short text (under ``max_chars``) seen on ``min_pages`` pages or more is the source's
    error template; an extraction that brings it is not an article."""

    def __init__(self, *, max_chars: int = 600, min_pages: int = 3):
        self.max_chars, self.min_pages = max_chars, min_pages
        self.pages: dict[str, set[str]] = {}

    def check(self, url: str, text: str) -> str | None:
        """Note that ``url`` brought ``text``; why it is the source's error template, or None."""
        if not text.strip() or len(text) >= self.max_chars:
            return None
        digest = hashlib.sha256(normalize_text(text).encode()).hexdigest()
        urls = self.pages.setdefault(digest, set())
        urls.add(url)
        if len(urls) < self.min_pages:
            return None
        excerpt = _SPACE.sub(" ", text).strip()[:60]
        return f"blocked by the site: its error template, the same text on {len(urls)} pages ({excerpt!r})"
