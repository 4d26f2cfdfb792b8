"""The migrations build exactly the models' schema, and undo it."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from mediation_app.extensions import db

SCHEMA = "migration_check"


@pytest.fixture
def scratch_app(database_url, tmp_path, other_app):
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'migrations.db'}"
    else:
        engine = create_engine(database_url)
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
        engine.dispose()
        url = database_url + ("&" if "?" in database_url else "?") + \
            f"options=-csearch_path%3D{SCHEMA}"
    yield other_app(SQLALCHEMY_DATABASE_URI=url)
    if not database_url.startswith("sqlite"):
        engine = create_engine(database_url)
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        engine.dispose()


def test_upgrade_from_empty_gives_exactly_the_models_schema(scratch_app):
    with scratch_app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_downgrade_to_base_removes_every_table(scratch_app):
    with scratch_app.app_context():
        upgrade()
        downgrade(revision="base")
        tables = set(inspect(db.engine).get_table_names())
    assert tables <= {"alembic_version"}
