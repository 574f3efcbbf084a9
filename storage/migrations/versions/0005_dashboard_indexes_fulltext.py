"""dashboard: change-list indexes on version, full-text search of current texts and titles

SQLite: an FTS5 table ``version_fts`` (rowid = page id) holding each page's current title and
text, kept in step by triggers on ``version`` so every write path (crawl, import, re-extract)
feeds it. PostgreSQL: GIN indexes on the ``to_tsvector`` of title and text, and of the title.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 18:40:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Replace the page's row by its current (highest-numbered) version: correct whichever
# version was inserted, updated or deleted.
_RESYNC = """
    DELETE FROM version_fts WHERE rowid = {ref}.page_id;
    INSERT INTO version_fts(rowid, title, text)
        SELECT page_id, title, text FROM version WHERE page_id = {ref}.page_id
        ORDER BY number DESC LIMIT 1;
"""

SQLITE_UP = [
    "CREATE VIRTUAL TABLE version_fts USING fts5(title, text, tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER version_fts_insert AFTER INSERT ON version BEGIN {_RESYNC.format(ref='NEW')} END",
    f"CREATE TRIGGER version_fts_update AFTER UPDATE OF title, text, number, page_id ON version BEGIN "
    f"{_RESYNC.format(ref='OLD')} {_RESYNC.format(ref='NEW')} END",
    f"CREATE TRIGGER version_fts_delete AFTER DELETE ON version BEGIN {_RESYNC.format(ref='OLD')} END",
    """INSERT INTO version_fts(rowid, title, text)
       SELECT v.page_id, v.title, v.text FROM version v
       JOIN (SELECT page_id, max(number) AS n FROM version GROUP BY page_id) cur
         ON cur.page_id = v.page_id AND cur.n = v.number""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS version_fts_delete",
    "DROP TRIGGER IF EXISTS version_fts_update",
    "DROP TRIGGER IF EXISTS version_fts_insert",
    "DROP TABLE IF EXISTS version_fts",
]
# The expression must stay identical to storage.search.PG_DOCUMENT for the index to be used.
PG_UP = [
    "CREATE INDEX ix_version_fulltext ON version "
    "USING gin (to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || text))",
    "CREATE INDEX ix_version_title_fulltext ON version USING gin (to_tsvector('simple'::regconfig, coalesce(title, '')))",
]
PG_DOWN = ["DROP INDEX IF EXISTS ix_version_title_fulltext", "DROP INDEX IF EXISTS ix_version_fulltext"]


def upgrade() -> None:
    with op.batch_alter_table('version', schema=None) as batch_op:
        batch_op.create_index('ix_version_changes', ['captured_at', 'id', 'page_id', 'number', 'change_class',
                                                     'significance'], unique=False)
        batch_op.create_index('ix_version_class_changes', ['change_class', 'captured_at', 'id', 'page_id',
                                                           'significance'], unique=False)
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_UP if dialect == 'sqlite' else PG_UP if dialect == 'postgresql' else []:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_DOWN if dialect == 'sqlite' else PG_DOWN if dialect == 'postgresql' else []:
        op.execute(statement)
    with op.batch_alter_table('version', schema=None) as batch_op:
        batch_op.drop_index('ix_version_class_changes')
        batch_op.drop_index('ix_version_changes')
