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


def test_the_monthly_rollup_is_filled_with_the_daily_rows_summed_per_month(scratch_app):
    with scratch_app.app_context():
        upgrade(revision="5e7a9c1b3d2f")
        with db.engine.begin() as connection:
            for day, received, amount in (("2026-10-03", 2, "10.50"), ("2026-10-31", 3, "1.25"),
                                          ("2026-11-01", 4, "0")):
                connection.execute(text(
                    "INSERT INTO stats_daily VALUES (:day, 1, 2, 'peoples', 'labour', "
                    ":received, 1, 0, 0, 0, 2, :amount, 1)"),
                    {"day": day, "received": received, "amount": amount})
        upgrade(revision="7b1d3f5a9c2e")
        with db.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT month, received, success, parties, agreement_amount FROM stats_monthly "
                "ORDER BY month")).all()
    assert [(str(month), received, success, parties, float(amount))
            for month, received, success, parties, amount in rows] == [
        ("2026-10-01", 5, 2, 4, 11.75), ("2026-11-01", 4, 1, 2, 0.0)]
