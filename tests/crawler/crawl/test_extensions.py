"""The crawl's extensions: a 304 from a re-check lowers AutoThrottle's delay as a 200 does (other
statuses still cannot), and dead responses in reference cycles are collected while the crawl runs."""

import pytest
from scrapy.core.downloader import Slot
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from crawler.crawl.extensions import RecheckAutoThrottle
from crawler.crawl.ratelimits import CRAWL_DELAY


def throttle(cls):
    ext = cls(get_crawler(settings_dict={"AUTOTHROTTLE_ENABLED": True, "AUTOTHROTTLE_TARGET_CONCURRENCY": 2.0}))
    ext.mindelay, ext.maxdelay = 0.0, 30.0
    return ext


@pytest.mark.parametrize(("status", "lowered"), [(200, True), (304, True), (404, False), (301, False)])
def test_which_answers_lower_the_delay(status, lowered):
    slot = Slot(concurrency=4, delay=0.5, jitter=0)
    response = (HtmlResponse if status == 200 else Response)("http://127.0.0.1/a.html", status=status)
    throttle(RecheckAutoThrottle)._adjust_delay(slot, 0.01, response)
    assert (slot.delay < 0.5) is lowered


def test_scrapy_own_rule_keeps_a_304_at_the_start_delay():
    slot = Slot(concurrency=4, delay=0.5, jitter=0)
    throttle(AutoThrottle)._adjust_delay(slot, 0.01, Response("http://127.0.0.1/a.html", status=304))
    assert slot.delay == 0.5  # the behaviour RecheckAutoThrottle changes; fails if Scrapy changes it


# -- What keeps a crawl's per-page cost and memory down, each checked on its own:

import gc
import weakref

import pytest
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.crawl.extensions import CollectGarbage


def test_dead_responses_in_reference_cycles_are_collected_while_the_crawl_runs():
    crawler = get_crawler(settings_dict={"MIRRORWATCH_GC_INTERVAL": 2})
    extension = CollectGarbage.from_crawler(crawler)
    extension.loop.clock = clock = task.Clock()
    was_enabled = gc.isenabled()
    gc.disable()  # only the extension may collect in this test
    try:
        extension.spider_opened(None)
        response = HtmlResponse("https://example.org/a", body=b"<html>" + b"x" * 100_000)
        holder = {"response": response}
        holder["self"] = holder  # a cycle, as Deferreds and failures make them
        dead = weakref.ref(response)
        del response, holder
        assert dead() is not None  # reference counting alone cannot free it
        clock.advance(2)
        assert dead() is None
    finally:
        extension.spider_closed(None)
        if was_enabled:
            gc.enable()


def test_collection_is_on_by_default_and_can_be_turned_off():
    from crawler import settings

    assert settings.EXTENSIONS["crawler.crawl.extensions.CollectGarbage"] is not None
    assert settings.MIRRORWATCH_GC_INTERVAL > 0
    with pytest.raises(NotConfigured):
        CollectGarbage.from_crawler(get_crawler(settings_dict={"MIRRORWATCH_GC_INTERVAL": 0}))


@pytest.mark.parametrize(("status", "headers", "delay"), [
    (429, {}, 1.0),  # doubled (from 0.5)
    (503, {"Retry-After": "3"}, 3.0),  # at least the wait asked
    (429, {"Retry-After": "600"}, 30.0),  # at most AUTOTHROTTLE_MAX_DELAY
])
def test_a_rate_limit_slows_the_crawl_down(status, headers, delay):
    slot = Slot(concurrency=4, delay=0.5, jitter=0)
    ext = throttle(RecheckAutoThrottle)
    ext.crawler.settings.frozen = False
    ext.crawler.settings.set("AUTOTHROTTLE_START_DELAY", 0.5)  # the crawl's (crawler/settings.py)
    ext._adjust_delay(slot, 0.01, Response("http://127.0.0.1/a.html", status=status, headers=headers))
    assert slot.delay == delay


def test_the_delay_never_goes_below_the_crawl_delay():
    slot = Slot(concurrency=4, delay=2.0, jitter=0)
    ext = throttle(RecheckAutoThrottle)
    ext.crawler.stats.set_value(CRAWL_DELAY, 2.0)  # robots.txt's, as RetryAfterMiddleware read it
    ext._adjust_delay(slot, 0.01, HtmlResponse("http://127.0.0.1/a.html", status=200))
    assert slot.delay == 2.0
