"""The migrated schema equals the models, on both backends; downgrade works."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from storage.db import alembic_config, head_revision, make_engine, open_engine
from storage.models import Base
from storage.search import include_object


def test_upgrade_head_matches_models(empty_db_url):
    engine = open_engine(empty_db_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_object})
            assert compare_metadata(context, Base.metadata) == []
            assert context.get_current_revision() == head_revision()
    finally:
        engine.dispose()


def test_downgrade_to_base_removes_every_table(empty_db_url):
    engine = open_engine(empty_db_url)
    try:
        command.downgrade(alembic_config(engine), "base")
        assert set(inspect(make_engine(empty_db_url)).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
