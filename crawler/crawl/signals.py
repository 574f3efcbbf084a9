"""mirrorwatch's own Scrapy signals (sent with ``crawler.signals.send_catch_log``)."""

stopping = object()  # the runner, as a crawler's graceful stop begins (after its waiting requests are dropped)
