"""``captures``, ``show`` and ``search``: one page looked at closely, and pages found by words.

``captures`` lists every fetch of a page; ``show`` prints a version's stored text, or with
``--raw`` the body of the capture that made it (decoded with the page's declared encoding on a
terminal, the bytes as stored to a pipe or file); ``search`` is the dashboard's search
(``storage.search``).
"""

from __future__ import annotations

import sys

import click
from rich.console import Console
from rich.text import Text

from crawler.cli.common import Context, emit, format_option, pass_ctx, user_errors
from crawler.extract.decode import body_text
from crawler.render import text as render
from storage.reports.captures import captures_report
from storage.reports.show import raw_body, version_text
from storage.search import search as run_search


@click.command()
@click.argument("url")
@format_option
@pass_ctx
@user_errors
def captures(ctx: Context, url: str, fmt: str) -> None:
    """Every fetch of the page at URL, oldest first: time, HTTP status, outcome, reason.

    \b
    Example:
      mirrorwatch captures https://example.org/news/article.html --format json
    """
    archive = ctx.archive()
    page = archive.page(url)
    with archive.session() as s:
        data = captures_report(s, page)
    emit(fmt, data, render.captures_text)


@click.command()
@click.argument("url")
@click.option("--version", "number", type=int, help="Version number (default: the current one).")
@click.option("--raw", is_flag=True, help="The raw body of the capture that made the version, not its text.")
@format_option
@pass_ctx
@user_errors
def show(ctx: Context, url: str, number: int | None, raw: bool, fmt: str) -> None:
    """A version of the page at URL: its stored text, or with --raw the body it was extracted from.

    On a terminal the text comes under a line naming the version; to a pipe or a file, the
    text alone (with --raw, the bytes exactly as fetched).

    \b
    Example:
      mirrorwatch show https://example.org/news/article.html --version 1
      mirrorwatch show https://example.org/news/article.html --raw > article.html
    """
    archive = ctx.archive()
    page = archive.page(url)
    with archive.session() as s:
        if not raw:
            data = version_text(s, page, number)
            emit(fmt, data, render.version_text if sys.stdout.isatty() else data["text"])
            return
        body = raw_body(s, page, number)
    encoding, decoded = body_text(body.content_type, body.body)
    if fmt == "json":
        emit(fmt, {"url": body.url, "version": body.version, "fetched_at": body.fetched_at.isoformat(),
                   "status": body.status, "content_type": body.content_type, "encoding": encoding,
                   "size": len(body.body), "body": decoded}, "")
    elif sys.stdout.isatty():
        console = Console()
        console.print(Text(f"{body.url} · version {body.version} · raw body, {len(body.body):,} bytes, "
                           f"{body.content_type or 'no content type'}, read as {encoding or 'utf-8'}",
                           style="bold"), soft_wrap=True)
        console.print(Text(decoded), soft_wrap=True)
    else:
        stream = sys.stdout.buffer
        stream.write(body.body)
        stream.flush()


@click.command()
@click.argument("query")
@click.option("--source", help="Only pages of this source.")
@click.option("--limit", type=click.IntRange(1, 500), default=20, show_default=True,
              help="At most this many pages of each kind (by URL or title, by text).")
@format_option
@pass_ctx
@user_errors
def search(ctx: Context, query: str, source: str | None, limit: int, fmt: str) -> None:
    """Pages whose URL or current title holds QUERY, and pages whose current text holds all its words.

    The dashboard's search: words, not phrases; no stemming.

    \b
    Example:
      mirrorwatch search "tram line" --source example-news --format json
    """
    if not query.strip():
        raise click.ClickException("the query is empty")
    with ctx.archive().session() as s:
        data = run_search(s, query, source=source, limit=limit)
    emit(fmt, data, render.search_results)
