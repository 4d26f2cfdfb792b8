"""One schema per run (built by the migrations), emptied after every test.

SQLite by default; PostgreSQL when TEST_DATABASE_URL is set. Run in parallel (`-n 2`, as
`make test` does), each worker has a database of its own: its own SQLite file, or on
PostgreSQL a database named after TEST_DATABASE_URL's with the worker's name appended,
created when missing."""

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from mediation_app import create_app
from mediation_app.documents.services import Issuer
from mediation_app.extensions import db, limiter
from mediation_app.handlings.catalog import forget_stored_versions
from mediation_app.storage import Storage

from . import factories


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return _worker_database(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _worker_database(url: str) -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not url.startswith("postgresql"):
        return url
    parsed = make_url(url)
    own = parsed.set(database=f"{parsed.database}_{worker}")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                   {"name": own.database})
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{own.database}"'))
    engine.dispose()
    return own.render_as_string(hide_password=False)


def _fresh_schema(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = _database_url(tmp_path_factory)
    _fresh_schema(url)
    return url


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    from flask_migrate import upgrade

    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "MEDIATION_STORAGE": str(tmp_path_factory.mktemp("storage")),
    })
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def other_app(app):
    """Build another app (other settings, same database by default); engines closed after."""
    built = []

    def build(**overrides):
        config = {"TESTING": True, "SECRET_KEY": "test-secret",
                  "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                  "MEDIATION_STORAGE": app.config["MEDIATION_STORAGE"], **overrides}
        built.append(create_app(config))
        return built[-1]

    yield build
    for each in built:
        with each.app_context():
            db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(request):
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        db.session.remove()
    forget_stored_versions(app)     # the workflow texts' rows were deleted with the rest
    # audit checkpoints remember the chains of the database just emptied
    shutil.rmtree(Path(app.config["MEDIATION_STORAGE"]) / "audit-checkpoints", ignore_errors=True)
    limiter.reset()


@pytest.fixture
def session(app):
    with app.app_context():
        yield db.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make(session):
    """Factories bound to the test session: make.case(...), make.user(...), ..."""
    return factories.Factories(session)


@pytest.fixture
def issuer(app):
    """Issues documents into the test storage, as the pages do."""
    return Issuer(storage=Storage(app.config["MEDIATION_STORAGE"]),
                  secret_key=app.config["SECRET_KEY"], public_url="http://verify.test/")


@pytest.fixture
def login(client):
    def sign_in(user, password=factories.PASSWORD):
        response = client.post("/login", data={"username": user.username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return sign_in
