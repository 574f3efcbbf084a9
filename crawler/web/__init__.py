"""The read-only dashboard over the archive (``mirrorwatch serve``).

A request flows: ``app`` (Starlette routes, one HTML and one ``/api/`` JSON endpoint per page,
security headers, errors as 400/404) → ``views`` (the query parameters → ``storage.reports``
data, the same dict the JSON serves) → the page's template in ``templates/`` (which extends
``crawler.render``'s ``base.html``; Jinja2 autoescapes every scraped string). ``feed`` builds
the Atom feed of the change list. Nothing here imports Scrapy.
"""

from crawler.web.app import create_app

__all__ = ["create_app"]
