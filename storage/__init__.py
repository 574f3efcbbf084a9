"""mirrorwatch's archive: persistence and the questions asked of it.

This package never imports Scrapy or ``crawler``; the crawler calls it.
"""

from storage.errors import StorageError, UnknownPage

__all__ = ["StorageError", "UnknownPage"]
