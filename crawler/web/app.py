"""The dashboard's ASGI application: routes, templates, errors, security headers.

Starlette (with uvicorn to serve it) rather than Flask: a small, well-kept ASGI toolkit
whose plain ``def`` endpoints run in a thread pool, so the archive's synchronous SQLAlchemy
reads stay simple while slow pages never block the others; its ``TestClient`` tests the app
in process. Every page is read-only (GET/HEAD) and is served twice: as HTML rendered with the
dashboard's templates (``crawler/web/templates``), which extend the reports' own
(``crawler/render/templates``; Jinja2 autoescape on: scraped text is always escaped), and as
JSON under ``/api/``.

| page | JSON | shows |
| --- | --- | --- |
| ``/`` | ``/api/sources`` | sources, last run, counts, health warnings |
| ``/changes`` | ``/api/changes`` | versions newest first; ``source``, ``class``, ``min_significance``, ``since``, ``until``, ``after`` |
| ``/page?url=`` | ``/api/history?url=`` | a page's versions with classes, whether it is gone, its copies |
| ``/diff?url=&from=&to=&context=`` | ``/api/diff?...`` | paragraph diff of two versions, changes in context |
| ``/copies?url=`` | ``/api/copies?url=`` | copies and original of a page |
| ``/compare?a=&b=`` | ``/api/compare?...`` | side-by-side comparison of a copy with its original |
| ``/search?q=`` | ``/api/search?q=`` | pages by URL/title, full text of current versions; ``source`` |
| ``/captures?url=`` | ``/api/captures?url=`` | every fetch of a page: time, status, outcome, reason |
| ``/show?url=&version=&raw=`` | ``/api/show?...`` | a version's stored text; ``raw=1``: the body it came from, as text |
| ``/feed.atom`` | | Atom feed of the change list, same filters |

Pages send a Content-Security-Policy that allows no script at all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlencode

from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from crawler.web.feed import atom_feed, describe
from crawler.web.views import View, Views, change_filter
from storage.archive import Archive
from storage.errors import StorageError, UnknownPage
from storage.reports.changelist import changes

log = logging.getLogger(__name__)

HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
FEED_SIZE = 50

# (HTML path, JSON path, view name, template)
PAGES = [
    ("/", "/api/sources", "home", "home.html"),
    ("/changes", "/api/changes", "changes", "changes.html"),
    ("/page", "/api/history", "history", "page.html"),
    ("/diff", "/api/diff", "diff", "diff.html"),
    ("/copies", "/api/copies", "copies", "copies_page.html"),
    ("/compare", "/api/compare", "compare", "compare_page.html"),
    ("/search", "/api/search", "search", "search.html"),
    ("/captures", "/api/captures", "captures", "captures.html"),
    ("/show", "/api/show", "show", "show.html"),
]


def templates() -> Environment:
    env = Environment(
        loader=ChoiceLoader([PackageLoader("crawler.web", "templates"), PackageLoader("crawler.render", "templates")]),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.filters["qs"] = lambda params: urlencode({k: v for k, v in params.items() if v not in (None, "")})
    env.filters["describe"] = describe
    return env


def _status(exc: StorageError) -> int:
    return 404 if isinstance(exc, UnknownPage) else 400


def create_app(db: str | None) -> Starlette:
    """The dashboard over the archive at ``db`` (a URL or SQLite path), as it is: a reader,
    it never creates nor migrates one (``storage.db.open_engine``)."""
    archive = Archive.open(db, read_only=True)  # never created nor migrated by a reader
    views = Views(archive)
    env = templates()

    def html_endpoint(view: Callable[..., View], template: str, api: str):
        def endpoint(request: Request) -> Response:
            params = request.query_params
            try:
                result = view(params)
            except StorageError as exc:
                body = env.get_template("error.html").render(message=str(exc), api=None, params=params)
                return HTMLResponse(body, status_code=_status(exc), headers=HEADERS)
            body = env.get_template(template).render(r=result.data, x=result.extra, params=params, api=api)
            return HTMLResponse(body, headers=HEADERS)
        return endpoint

    def json_endpoint(view: Callable[..., View]):
        def endpoint(request: Request) -> Response:
            try:
                return JSONResponse(view(request.query_params).data, headers=HEADERS)
            except StorageError as exc:
                return JSONResponse({"error": str(exc)}, status_code=_status(exc), headers=HEADERS)
        return endpoint

    def feed(request: Request) -> Response:
        try:
            with archive.session() as s:
                data = changes(s, change_filter(request.query_params), limit=FEED_SIZE)
        except StorageError as exc:
            return Response(str(exc) + "\n", status_code=400, media_type="text/plain", headers=HEADERS)
        base = str(request.base_url).rstrip("/")
        body = atom_feed(data, base=base, self_url=str(request.url))
        return Response(body, media_type="application/atom+xml; charset=utf-8", headers=HEADERS)

    routes = []
    for path, api, name, template in PAGES:
        view = getattr(views, name)
        routes.append(Route(path, html_endpoint(view, template, api), methods=["GET", "HEAD"]))
        routes.append(Route(api, json_endpoint(view), methods=["GET", "HEAD"]))
    routes.append(Route("/feed.atom", feed, methods=["GET", "HEAD"]))
    app = Starlette(routes=routes)
    app.state.archive = archive
    return app
