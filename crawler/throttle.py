"""AutoThrottle that lets ``304 Not Modified`` answers speed a crawl up, as ``200`` ones do.

Scrapy's AutoThrottle never lowers the delay on a response other than 200, because
error pages and redirects are small and fast and would push the delay down. A 304
is neither: it is the normal answer to a conditional re-check of a known page, so a
re-crawl of an unchanged site consists of them, and with the stock rule it stays at
``AUTOTHROTTLE_START_DELAY`` per request for the whole run (0.5 s: 500 s for 1,000
pages). Here a 304 counts as the success it is; every other rule is Scrapy's.
Enabled in ``crawler/settings.py`` in place of ``scrapy.extensions.throttle.AutoThrottle``.
"""

from __future__ import annotations

from scrapy.extensions.throttle import AutoThrottle


class RecheckAutoThrottle(AutoThrottle):
    def _adjust_delay(self, slot, latency: float, response) -> None:
        if response.status == 304:
            response = response.replace(status=200)
        super()._adjust_delay(slot, latency, response)
