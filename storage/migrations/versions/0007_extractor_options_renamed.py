"""extractor options renamed: the same trafilatura options, hashed as they are now passed

Versions record the hash of the extractor's options. Until now the hashed mapping named an
output format ("txt") that was not the one passed to trafilatura; the options themselves did
not change, so versions extracted with them keep counting as extracted by today's options
(``reextract`` leaves them alone, and a later edit is not taken for an extractor change).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 11:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# sha256 of the options as JSON (sort_keys), first 16 hex digits: with "output_format": "txt", and without.
BEFORE = "e3822c29a6071232"
AFTER = "6b4583ae174b011f"


def _rename(old: str, new: str) -> None:
    op.execute(sa.text("UPDATE version SET options_hash = :new WHERE extractor = 'trafilatura' AND options_hash = :old")
               .bindparams(old=old, new=new))


def upgrade() -> None:
    _rename(BEFORE, AFTER)


def downgrade() -> None:
    _rename(AFTER, BEFORE)
