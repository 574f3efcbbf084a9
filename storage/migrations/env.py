"""Alembic environment: the engine comes from ``storage.db`` (config.attributes)."""

from alembic import context
from sqlalchemy import create_engine

from storage.search import include_object
from storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:  # plain `alembic` use by a developer: -x url=...
        engine = create_engine(context.get_x_argument(as_dictionary=True)["url"])
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # pysqlite only opens a transaction before INSERT/UPDATE/DELETE, so each CREATE or
            # ALTER would commit on its own and a crash mid-migration would leave half a schema
            # that no later run can migrate. An explicit BEGIN makes the whole upgrade atomic.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.begin()
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,  # SQLite needs batch mode to alter tables
            compare_type=True,
            include_object=include_object,  # search objects the models do not describe
        )
        context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `mirrorwatch db upgrade`")
run_migrations_online()
