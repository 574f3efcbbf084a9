"""Alembic migrations of the archive, run on open (``storage.db.upgrade``): ``env.py`` takes the
engine from ``storage.db``, ``versions/`` holds one revision per schema change, in order."""
