"""match queue: new versions waiting to be fingerprinted and matched for copies

Copy matching left the write of a version (``storage.copies.queue``): the write queues the
version's id in its own transaction, and a matcher drains the queue in batches. A version
stored before this revision was matched when it was written; the queue starts empty.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 15:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'match_queue',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('queued_at', storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['version_id'], ['version.id'], name=op.f('fk_match_queue_version_id_version')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_match_queue')),
    )


def downgrade() -> None:
    op.drop_table('match_queue')
