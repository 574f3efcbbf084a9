"""``history``, ``diff``, ``copies`` and ``compare``: what the archive knows of one page, or of two."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import click

from crawler.cli.common import (Context, emit, format_option, output_option, pass_ctx, report_format_option,
                                user_errors)
from crawler.render import text as render
from crawler.render.html import compare_html, copies_html, diff_html
from storage.reports.copies import compare_report, copies_report
from storage.reports.diff import CONTEXT
from storage.reports.history import diff_report, history_report


@click.command()
@click.argument("url")
@format_option
@pass_ctx
@user_errors
def history(ctx: Context, url: str, fmt: str) -> None:
    """The versions of the page at URL: when, title, class and significance of each change,
    and whether the page is gone.

    \b
    Example:
      mirrorwatch history https://example.org/news/article.html --format json
    """
    archive = ctx.archive()
    page = archive.page(url)
    emit(fmt, history_report(page.url, archive.versions(url), gone_at=page.gone_at), render.history_text)


@click.command()
@click.argument("url")
@click.option("--from", "from_", type=int, help="Older version number (default: the one before --to).")
@click.option("--to", type=int, help="Newer version number (default: the latest).")
@click.option("--context", type=click.IntRange(min=0), default=CONTEXT, show_default=True,
              help="Unchanged paragraphs shown around each change (text and HTML; JSON has them all).")
@report_format_option
@output_option
@pass_ctx
@user_errors
def diff(ctx: Context, url: str, from_: int | None, to: int | None, context: int, fmt: str,
         output: Path | None) -> None:
    """What changed in the page at URL between two versions, paragraph by paragraph: changed
    words marked, unchanged paragraphs collapsed, a title change, where a cut text now ends.

    \b
    Example:
      mirrorwatch diff https://example.org/news/article.html --from 1 --to 3 --context 2
    """
    archive = ctx.archive()
    data = diff_report(archive.page(url).url, archive.versions(url), from_, to)
    emit(fmt, data, partial(render.diff_text, context=context), partial(diff_html, context=context), output)


@click.command()
@click.argument("url")
@report_format_option
@output_option
@pass_ctx
@user_errors
def copies(ctx: Context, url: str, fmt: str, output: Path | None) -> None:
    """Where the page at URL was republished, and which page is the original.

    \b
    Example:
      mirrorwatch copies https://news.example.org/2026/01/tram.html --format json
    """
    archive = ctx.archive()
    emit(fmt, copies_report(archive.page(url).url, archive.copies(url)), render.copies_text, copies_html, output)


@click.command()
@click.argument("url_a")
@click.argument("url_b")
@report_format_option
@output_option
@pass_ctx
@user_errors
def compare(ctx: Context, url_a: str, url_b: str, fmt: str, output: Path | None) -> None:
    """How a copy differs from its original, paragraph by paragraph (either order); or that the
    two pages are no copies, when they share nothing beyond boilerplate.

    \b
    Example:
      mirrorwatch compare https://news.example.org/a.html https://blog.example.net/2026/01/02/a/ --format html -o a.html
    """
    data = compare_report(*ctx.archive().compare(url_a, url_b))
    emit(fmt, data, render.compare_text, compare_html, output)
