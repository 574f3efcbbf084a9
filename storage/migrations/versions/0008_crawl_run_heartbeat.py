"""crawl run heartbeat: when a running crawl last said it was alive

A crawl killed outright (SIGKILL, power loss) never closes its run, which stayed
``running`` for ever. The crawl now beats every few seconds; a later crawl closes
the runs whose heartbeat stopped as ``failed``. Runs written before this revision
have none (NULL) and are left to the dashboard's "still running after 6 hours" rule.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 12:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('crawl_run') as batch:
        batch.add_column(sa.Column('heartbeat_at', storage.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('crawl_run') as batch:
        batch.drop_column('heartbeat_at')
