"""The read-only dashboard over the archive (``mirrorwatch serve``): see :mod:`crawler.web.app`."""

from crawler.web.app import create_app

__all__ = ["create_app"]
