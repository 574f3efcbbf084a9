"""monitoring: page next_due_at, version change_class and significance, capture headers

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 18:45:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('page', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_due_at', storage.types.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_page_next_due_at'), ['next_due_at'], unique=False)
    with op.batch_alter_table('capture', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headers', sa.JSON(), nullable=True))
    with op.batch_alter_table('version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('change_class', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('significance', sa.Float(), nullable=True))
        batch_op.create_index(batch_op.f('ix_version_change_class'), ['change_class'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_version_change_class'))
        batch_op.drop_column('significance')
        batch_op.drop_column('change_class')
    with op.batch_alter_table('capture', schema=None) as batch_op:
        batch_op.drop_column('headers')
    with op.batch_alter_table('page', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_page_next_due_at'))
        batch_op.drop_column('next_due_at')
