"""A 304 from a re-check lowers AutoThrottle's delay as a 200 does; other statuses still cannot."""

import pytest
from scrapy.core.downloader import Slot
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from crawler.throttle import RecheckAutoThrottle


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
