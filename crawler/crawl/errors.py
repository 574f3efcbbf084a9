"""The crawl's errors that the command line turns into one line (no Scrapy, Redis or browser
imports here: the command catches them before it knows whether a crawl needs those)."""


class BrowserMissing(RuntimeError):
    """A source renders but no chromium (or scrapy-playwright) is installed; the message is one line."""


class FrontierError(Exception):
    """Redis cannot be used (unreachable, bad URL): one line for the user."""
