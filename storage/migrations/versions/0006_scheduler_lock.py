"""scheduler lock: one row per database, with a heartbeat

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 18:45:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'scheduler_lock',
        sa.Column('name', sa.String(length=50), nullable=False),
        sa.Column('owner', sa.String(length=200), nullable=True),
        sa.Column('acquired_at', storage.types.UTCDateTime(), nullable=True),
        sa.Column('heartbeat_at', storage.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduler_lock')),
    )


def downgrade() -> None:
    op.drop_table('scheduler_lock')
