"""The migrated schema equals the models, on both backends; downgrade works."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from storage.db import HEAD_REVISION, alembic_config, head_revision, make_engine, open_engine
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


def test_the_head_revision_opening_an_archive_checks_is_alembics_head():
    # A new migration must update HEAD_REVISION: an archive at the old head would otherwise be
    # taken as current (no upgrade) or as one from a newer mirrorwatch.
    assert HEAD_REVISION == head_revision()


def test_an_archive_one_migration_behind_is_upgraded_on_open(empty_db_url):
    engine = open_engine(empty_db_url)
    try:
        command.downgrade(alembic_config(engine), "-1")
        reopened = open_engine(empty_db_url)
        with reopened.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == HEAD_REVISION
        reopened.dispose()
    finally:
        engine.dispose()


def test_downgrade_to_base_removes_every_table(empty_db_url):
    engine = open_engine(empty_db_url)
    try:
        command.downgrade(alembic_config(engine), "base")
        assert set(inspect(make_engine(empty_db_url)).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
