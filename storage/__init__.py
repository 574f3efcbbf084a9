"""mirrorwatch's archive: persistence, and the questions asked of it, as a typed library.

What flows through it, with the module or package of each step:

1. ``db``, ``models``, ``migrations``  engines (SQLite in WAL mode, or PostgreSQL), the tables,
   Alembic migrations run on open; ``dbfaults`` says in one line what went wrong;
2. ``archive``      a fetch recorded: capture → blob → version, the re-check policy, crawl runs;
3. ``text``         what changed between two versions: normalise, diff, classify;
4. ``copies``       which pages of other sources carry a version's text, and which is the original;
5. ``interchange``  the archive as files: a de-duplicated corpus, WARC out and in;
6. ``reports``      plain data for the commands, the dashboard and notifications (the JSON shapes);
7. ``search``       pages by URL, title and full text; ``retention`` prunes identical captures.

Beside them: ``urls`` (one normal form per page, one origin per site), ``when`` (one grammar
for durations and points in time), ``lookup`` (a page by URL or alias, a source by name, the
current version), ``types`` (value types, the UTC column type), ``lock`` (the scheduler's
lock row), ``errors``.

This package never imports ``crawler``, Scrapy, Jinja2, click or rich
(``tests/test_boundaries.py`` checks): it returns data, and the crawler renders it.
"""

from storage.errors import StorageError, UnknownPage

__all__ = ["StorageError", "UnknownPage"]
