"""The re-check policy: when a known page should next be fetched.

Articles change most in their first hours (corrections, updates) and rarely once
they are weeks old, so the interval grows with the article's age, measured from
its published date or, without one, from the page's first capture:

    younger than 1 day → 15 min · 3 days → 1 h · 1 week → 6 h · 30 days → 1 day · older → 1 week

A page that has just changed is re-checked after the shortest step again (edits
come in bursts). Each source may bound the result (``recheck_min`` and
``recheck_max`` in sources.toml, handed over as :class:`RecheckLimits`).
:func:`next_due` is pure; the archive calls it whenever it records a capture and
stores the result in ``page.next_due_at``.

:func:`listed_unchanged` reads a sitemap ``lastmod`` or a feed date: a page whose
listing says it has not changed since its last capture need not be fetched.

:func:`known_pages` reads what a re-crawl needs of a source's stored pages, and
:func:`due_pages` picks the ones to fetch now (``crawl --due`` and the scheduler).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from storage.models import Capture, Page, Source
from storage.types import KnownPage, as_utc

# (age below which, re-check interval), youngest first; older than the last: OLD_INTERVAL.
STEPS: tuple[tuple[timedelta, timedelta], ...] = (
    (timedelta(days=1), timedelta(minutes=15)),
    (timedelta(days=3), timedelta(hours=1)),
    (timedelta(days=7), timedelta(hours=6)),
    (timedelta(days=30), timedelta(days=1)),
)
OLD_INTERVAL = timedelta(weeks=1)
AFTER_CHANGE = STEPS[0][1]
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class RecheckLimits:
    """A source's bounds on the interval; None leaves that side to the policy."""

    min: timedelta | None = None
    max: timedelta | None = None


def interval_for_age(age: timedelta) -> timedelta:
    for below, interval in STEPS:
        if age < below:
            return interval
    return OLD_INTERVAL


def next_due(now: datetime, *, born: datetime, changed: bool = False,
             limits: RecheckLimits = RecheckLimits()) -> datetime:
    """When to fetch a page again, after a capture at ``now``.

    ``born`` is the article's published date or the page's first capture;
    ``changed`` says that this capture found a new version of a known page.
    """
    interval = AFTER_CHANGE if changed else interval_for_age(max(now - born, timedelta(0)))
    if limits.min is not None:
        interval = max(interval, limits.min)
    if limits.max is not None:
        interval = min(interval, limits.max)
    return now + interval


def parse_listed_date(text: str | None) -> datetime | None:
    """A sitemap W3C date (``2026-01-05``, ``2026-01-05T10:00:00+00:00``) or a feed's
    RFC 822 date (``Mon, 05 Jan 2026 10:00:00 GMT``) as an aware UTC datetime; None if unreadable.
    A day without a time means its end, so that an edit later on the day of a capture is not missed."""
    value = _parse_date(text)
    if value is not None and _DATE_ONLY.match(text.strip()):
        value += timedelta(days=1)
    return value


def _parse_date(text: str | None) -> datetime | None:
    if not text:
        return None
    text = text.strip()
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            value = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if value.tzinfo is None:  # a bare date or a zone-less time: read as UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def listed_unchanged(listed_modified: str | None, last_captured: datetime | None) -> bool:
    """True when a listing dates the page's last change at or before its last capture."""
    listed = parse_listed_date(listed_modified)
    return listed is not None and last_captured is not None and listed <= last_captured


def published_at(published: str | None) -> datetime | None:
    """A version's published date (ISO, as extracted) as a UTC datetime, if readable."""
    return _parse_date(published)


# Captures that saw the page as it is (its last good look, for the listing date check).
SEEN_OUTCOMES = ("new-version", "unchanged", "not-modified")


def known_pages(session: sessionmaker[Session], source: str) -> list[KnownPage]:
    """Every stored page of a source, with what deciding on a re-check needs."""
    last_seen = (
        select(Capture.page_id, func.max(Capture.fetched_at).label("at"))
        .where(Capture.outcome.in_(SEEN_OUTCOMES))
        .group_by(Capture.page_id)
        .subquery()
    )
    with session() as s:
        rows = s.execute(
            select(Page.url, Page.etag, Page.last_modified, Page.body_sha256, Page.next_due_at,
                   Page.listed_modified, last_seen.c.at)
            .join(Source)
            .join(last_seen, last_seen.c.page_id == Page.id, isouter=True)
            .where(Source.name == source)
            .order_by(Page.id)
        )
        # A raw aggregate bypasses the UTC column type: SQLite hands back naive text or datetimes.
        return [KnownPage(*row[:6], last_seen_at=as_utc(row[6])) for row in rows]


def due_pages(pages: list[KnownPage], now: datetime,
              limits: RecheckLimits = RecheckLimits()) -> tuple[list[KnownPage], list[KnownPage]]:
    """(due, skipped_listed): the pages the re-check policy wants fetched at ``now``
    (due, or never scheduled), and the due ones left out because their sitemap or feed
    dates their last change at or before their last capture. A listing postpones a
    re-check by at most the longest interval, so a page dropped from it is still seen."""
    longest = limits.max or OLD_INTERVAL
    due, skipped = [], []
    for page in pages:
        if not page.due(now):
            continue
        if listed_unchanged(page.listed_modified, page.last_seen_at) and now - page.last_seen_at < longest:
            skipped.append(page)
        else:
            due.append(page)
    return due, skipped


RAW_SHA256 = "X-Mirrorwatch-Raw-Sha256"  # a rendered capture's stored header (crawler.crawl.browser)
MARKS = "x-mirrorwatch-"  # the prefix of the headers the crawl adds to a capture (lower-cased)


def render_marks(session: sessionmaker[Session], source: str) -> dict[str, dict[str, str]]:
    """The pages of a rendered source, each with the marks its last good capture was rendered
    from: the ``X-Mirrorwatch-*`` headers of that capture (the raw HTML's SHA-256, the data
    responses; a page whose last capture was not rendered is left out)."""
    last = (
        select(func.max(Capture.id).label("id"))
        .join(Page, Page.id == Capture.page_id)
        .join(Source)
        .where(Source.name == source, Capture.outcome.in_(SEEN_OUTCOMES))
        .group_by(Capture.page_id)
        .subquery()
    )
    marks = {}
    with session() as s:
        for url, headers in s.execute(select(Page.url, Capture.headers).join(Capture, Capture.page_id == Page.id)
                                      .where(Capture.id.in_(select(last.c.id)))):
            found = {name: value for name, value in headers or () if name.lower().startswith(MARKS)}
            if found.get(RAW_SHA256):
                marks[url] = found
    return marks
