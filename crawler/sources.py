"""Load and validate ``sources.toml`` into frozen :class:`Source` values.

Every error names the file, the source and the field, in one line, so that
the CLI can print it as is. See ``sources.example.toml`` for every key.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from crawler.monitor.schedules import parse_schedule
from crawler.source_requests import FIELD_VALUE, check_rate_fields, header_pairs, proxy_shown
from storage.urls import origin_of
from storage.when import parse_duration

DEFAULT_SOURCES = "sources.toml"
ROLES = ("origin", "mirror")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


class SourcesError(ValueError):
    """The sources file is missing or wrong; the message is one line."""


@dataclass(frozen=True)
class Source:
    name: str
    role: str
    start_urls: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()  # regexes an article URL must match (any); empty: every page
    deny: tuple[str, ...] = ()  # regexes that exclude a URL (any)
    max_depth: int = 2  # link hops followed from a start page
    max_pages: int = 1000  # article pages fetched per crawl
    download_delay: float | None = None  # seconds between requests (AutoThrottle's floor)
    concurrency: int | None = None  # parallel requests to the site
    schedule: str | None = None  # cron expression or interval ("30m", "6h"), for the scheduler
    # Bounds on how often a known page is re-checked (storage.archive.recheck); None: the policy's own.
    recheck_min: timedelta | None = None
    recheck_max: timedelta | None = None
    user_agent: str | None = None  # sent instead of the crawl's USER_AGENT (crawler.settings)
    headers: tuple[tuple[str, str], ...] = ()  # extra request headers, (name, value) in file order
    # Follow the links of article pages too (None: only when there is no sitemap or feed to list them).
    follow_links: bool | None = None
    max_retry_after: float = 300.0  # longest Retry-After waited for (crawler.crawl.ratelimits); longer: an error
    proxy: str | None = None  # http(s) proxy URL, credentials allowed (never shown: see ``proxy_shown``)
    # "browser": article pages rendered in headless Chromium (crawler.crawl.browser); "http": as fetched.
    render: str = "http"
    wait_for: str | None = None  # CSS selector a rendered page waits for (None: the network going idle)
    render_timeout: float = 15.0  # seconds a page may take to render
    render_concurrency: int = 2  # pages rendered at once
    render_recycle: int = 100  # pages a browser context renders before it is closed and replaced
    render_offsite: bool = True  # false: a rendered page's requests to other origins are aborted
    origin: str = field(init=False)

    def __post_init__(self) -> None:
        first = (self.start_urls + self.sitemaps + self.feeds)[0]
        object.__setattr__(self, "origin", origin_of(first))

    @property
    def follows_article_links(self) -> bool:
        return self.follow_links if self.follow_links is not None else not (self.sitemaps or self.feeds)

    def as_dict(self) -> dict:
        """The source as ``mirrorwatch sources --format json`` lists it."""
        return {"name": self.name, "role": self.role, "origin": self.origin, "start_urls": list(self.start_urls),
                "sitemaps": list(self.sitemaps), "feeds": list(self.feeds), "allow": list(self.allow),
                "deny": list(self.deny), "max_depth": self.max_depth, "max_pages": self.max_pages,
                "schedule": self.schedule, "user_agent": self.user_agent, "headers": dict(self.headers),
                "max_retry_after": self.max_retry_after, "proxy": proxy_shown(self.proxy)}


_FIELDS: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "role": str,
    "start_urls": list,
    "sitemaps": list,
    "feeds": list,
    "allow": list,
    "deny": list,
    "max_depth": int,
    "max_pages": int,
    "download_delay": (int, float),
    "concurrency": int,
    "schedule": str,
    "recheck_min": str,
    "recheck_max": str,
    "user_agent": str,
    "headers": dict,
    "follow_links": bool,
    "max_retry_after": (int, float),
    "proxy": str,
    "render": str,
    "wait_for": str,
    "render_timeout": (int, float),
    "render_concurrency": int,
    "render_recycle": int,
    "render_offsite": bool,
}
RENDERS = ("http", "browser")



@dataclass(frozen=True)
class NotifyTarget:
    """Where a scheduled run's summary goes: an Apprise URL or a plain JSON webhook."""

    url: str | None = None  # Apprise URL (mailto://, slack://, json://, ...); needs mirrorwatch[notify]
    webhook: str | None = None  # http(s) URL that receives the summary as a JSON POST
    min_significance: float = 0.0  # changes below this are left out; nothing left, no message
    sources: tuple[str, ...] = ()  # only these sources' runs (empty: all)

    @property
    def label(self) -> str:
        return self.webhook or (self.url or "").split("://", 1)[0] + "://..."


@dataclass(frozen=True)
class Config:
    sources: dict[str, Source]
    notify: tuple[NotifyTarget, ...] = ()


def load_sources(path: str | Path) -> dict[str, Source]:
    """All sources of a file by name, in file order."""
    return load_config(path).sources


def load_config(path: str | Path) -> Config:
    """The sources and the notification targets of a file, validated."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourcesError(f"{path}: no such sources file (set --sources or MIRRORWATCH_SOURCES)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{path}: not valid TOML: {exc}") from None
    entries = data.get("source")
    unknown = set(data) - {"source", "notify"}
    if unknown:
        raise SourcesError(f"{path}: unknown top-level key {sorted(unknown)[0]!r} "
                           "(expected [[source]] and [[notify]] tables)")
    if not isinstance(entries, list) or not entries:
        raise SourcesError(f"{path}: no [[source]] entries")
    sources: dict[str, Source] = {}
    for index, entry in enumerate(entries, 1):
        source = _parse(entry, f"{path}: source #{index}")
        if source.name in sources:
            raise SourcesError(f"{path}: source {source.name!r}: field 'name': used twice")
        sources[source.name] = source
    notify = data.get("notify", [])
    if not isinstance(notify, list):
        raise SourcesError(f"{path}: 'notify' must be [[notify]] tables")
    targets = tuple(_parse_notify(entry, f"{path}: notify #{i}", sources) for i, entry in enumerate(notify, 1))
    return Config(sources, targets)


def select_sources(sources: Mapping[str, Source], names: tuple[str, ...] | list[str]) -> list[Source]:
    missing = [n for n in names if n not in sources]
    if missing:
        raise SourcesError(f"unknown source {missing[0]!r} (known: {', '.join(sources)})")
    return [sources[n] for n in names] if names else list(sources.values())


def parse_source(entry: dict, where: str) -> Source:
    """One ``[[source]]`` table as loaded by ``tomllib``, validated; errors begin with ``where``."""
    return _parse(entry, where)


def _parse(entry: object, where: str) -> Source:
    if not isinstance(entry, dict):
        raise SourcesError(f"{where}: must be a table")
    name = entry.get("name")
    if isinstance(name, str) and name:
        where = f"{where.split(':')[0]}: source {name!r}"

    fail = _failer(where)
    _check_types(entry, _FIELDS, fail)
    for key in ("name", "role"):
        if key not in entry:
            raise fail(key, "missing")
    if not _NAME.match(entry["name"]):
        raise fail("name", "letters, digits, '.', '_' and '-' only, at most 100")
    if entry["role"] not in ROLES:
        raise fail("role", f"must be 'origin' or 'mirror', not {entry['role']!r}")
    urls = {k: tuple(entry.get(k, ())) for k in ("start_urls", "sitemaps", "feeds")}
    if not any(urls.values()):
        raise fail("start_urls", "a source needs start_urls, sitemaps or feeds")
    origins = set()
    for key, values in urls.items():
        for url in values:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise fail(key, f"not an http(s) URL: {url!r}")
            try:
                _ = parts.port  # urlsplit checks the port only when it is read
            except ValueError:
                raise fail(key, f"bad port in {url!r}") from None
            origins.add(origin_of(url))
    if len(origins) > 1:
        raise fail("start_urls", f"all URLs of a source must share one scheme, host and port, got {sorted(origins)}")
    for key in ("allow", "deny"):
        for pattern in entry.get(key, ()):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise fail(key, f"bad regular expression {pattern!r}: {exc}") from None
    if entry.get("render", "http") not in RENDERS:
        raise fail("render", f"must be 'http' or 'browser', not {entry['render']!r}")
    if "wait_for" in entry and not entry["wait_for"].strip():
        raise fail("wait_for", "must be a CSS selector")
    if entry.get("render_timeout", 1) <= 0:
        raise fail("render_timeout", "must be positive")
    for key, low in (("max_depth", 0), ("max_pages", 1), ("concurrency", 1), ("render_concurrency", 1),
                     ("render_recycle", 1)):
        if key in entry and entry[key] < low:
            raise fail(key, f"must be at least {low}")
    if entry.get("download_delay", 0) < 0:
        raise fail("download_delay", "must not be negative")
    if "schedule" in entry:
        try:
            parse_schedule(entry["schedule"])
        except ValueError as exc:
            raise fail("schedule", str(exc)) from None
    limits = {}
    for key in ("recheck_min", "recheck_max"):
        if key in entry:
            try:
                limits[key] = parse_duration(entry[key])
            except ValueError as exc:
                raise fail(key, str(exc)) from None
    if len(limits) == 2 and limits["recheck_min"] > limits["recheck_max"]:
        raise fail("recheck_min", "must not be longer than recheck_max")
    user_agent = entry.get("user_agent")
    if user_agent is not None and not (user_agent.strip() and FIELD_VALUE.match(user_agent)):
        raise fail("user_agent", "must be one line of printable ASCII text")
    headers = tuple(header_pairs(entry.get("headers", {}), fail))
    check_rate_fields(entry, fail)
    return Source(
        name=entry["name"],
        role=entry["role"],
        **urls,
        allow=tuple(entry.get("allow", ())),
        deny=tuple(entry.get("deny", ())),
        **{k: entry[k] for k in ("max_depth", "max_pages", "concurrency", "schedule", "follow_links", "render",
                                 "wait_for", "render_concurrency", "render_recycle", "render_offsite") if k in entry},
        **({"render_timeout": float(entry["render_timeout"])} if "render_timeout" in entry else {}),
        download_delay=float(entry["download_delay"]) if "download_delay" in entry else None,
        **limits,
        user_agent=user_agent,
        headers=headers,
        **{k: entry[k] for k in ("proxy",) if k in entry},
        **{k: float(entry[k]) for k in ("max_retry_after",) if k in entry},
    )


_NOTIFY_FIELDS = {"url": str, "webhook": str, "min_significance": (int, float), "sources": list}


def _parse_notify(entry: object, where: str, sources: Mapping[str, Source]) -> NotifyTarget:
    if not isinstance(entry, dict):
        raise SourcesError(f"{where}: must be a table")
    fail = _failer(where)
    _check_types(entry, _NOTIFY_FIELDS, fail)
    if ("url" in entry) == ("webhook" in entry):
        raise fail("url", "give exactly one of 'url' (an Apprise URL) or 'webhook' (an http(s) URL)")
    if "url" in entry and "://" not in entry["url"]:
        raise fail("url", f"not an Apprise URL: {entry['url']!r}")
    if "webhook" in entry and urlsplit(entry["webhook"]).scheme not in ("http", "https"):
        raise fail("webhook", f"not an http(s) URL: {entry['webhook']!r}")
    if not 0 <= entry.get("min_significance", 0) <= 1:
        raise fail("min_significance", "must be between 0 and 1")
    names = tuple(entry.get("sources", ()))
    for name in names:
        if name not in sources:
            raise fail("sources", f"unknown source {name!r}")
    return NotifyTarget(url=entry.get("url"), webhook=entry.get("webhook"),
                        min_significance=float(entry.get("min_significance", 0.0)), sources=names)


def _failer(where: str) -> Callable[[str, str], SourcesError]:
    def fail(key: str, problem: str) -> SourcesError:
        return SourcesError(f"{where}: field {key!r}: {problem}")

    return fail


def _check_types(entry: dict, fields: Mapping[str, type | tuple[type, ...]],
                 fail: Callable[[str, str], SourcesError]) -> None:
    """Every key known, every value of its type; lists hold non-empty strings."""
    for key, value in entry.items():
        if key not in fields:
            raise fail(key, f"unknown field (known: {', '.join(fields)})")
        expected = fields[key]
        if not isinstance(value, expected) or (isinstance(value, bool) and expected is not bool):
            raise fail(key, f"expected {_type_name(expected)}, got {type(value).__name__}")
        if isinstance(value, list) and not all(isinstance(v, str) and v for v in value):
            raise fail(key, "expected a list of non-empty strings")


def _type_name(expected) -> str:
    names = {str: "a string", list: "a list", int: "an integer", float: "a number", dict: "a table",
             bool: "true or false"}
    if isinstance(expected, tuple):
        return "a number"
    return names[expected]
