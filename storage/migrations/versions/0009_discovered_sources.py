"""discovered sources and scanned files: what `mirrorwatch scan` found and read

``source.discovered`` marks a source created by a scan on the first copy found on its
site (role mirror, never crawled on a schedule); ``scanned_file`` holds the WARC files
scanned to the end, so that a scan of many files can be resumed.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 15:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (SQLite allows it with a constant default): batch mode would rebuild
    # `source`, which every page references, and fail on a filled archive with foreign keys on.
    op.add_column('source', sa.Column('discovered', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        'scanned_file',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('location', sa.String(length=2048), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=True),
        sa.Column('finished_at', storage.types.UTCDateTime(), nullable=False),
        sa.Column('summary', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_scanned_file')),
        sa.UniqueConstraint('location', name=op.f('uq_scanned_file_location')),
    )


def downgrade() -> None:
    op.drop_table('scanned_file')
    with op.batch_alter_table('source') as batch:
        batch.drop_column('discovered')
