"""A backup holds the database and the document store together: restored into an empty
database it has the same rows, documents that still match their digests, and an intact
audit chain (checked against the checkpoint that travelled with the documents)."""

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from mediation_app.audit.checkpoints import latest_checkpoint, write_checkpoint
from mediation_app.audit.verification import verify
from mediation_app.backup.archive import RestoreRefused, _counts, create_backup, restore_backup
from mediation_app.db import utcnow
from mediation_app.documents.models import Document
from mediation_app.extensions import db
from mediation_app.storage import Storage


@pytest.fixture
def empty_database(database_url, tmp_path):
    """A second, empty database of the same kind."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    url = make_url(database_url)
    restored = url.set(database=f"{url.database}_restore")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{restored.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{restored.database}"'))
    yield restored.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{restored.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def world(make, session, issuer, app):
    """Cases with their chains, a signed agreement issued as a stored document, and an
    audit checkpoint in the document store."""
    case, mediator = make.mediating_case()
    make.case(by=mediator)
    agreement = make.agreement(case, mediator)
    make.sign_everyone(agreement, case, mediator, issuer=issuer)
    make.commit()
    storage = Path(app.config["MEDIATION_STORAGE"])
    write_checkpoint(session, storage / "audit-checkpoints", now=utcnow())
    session.commit()
    return storage


def test_a_restored_backup_has_the_same_rows_documents_and_an_intact_chain(
        app, world, session, other_app, empty_database, tmp_path):
    with app.app_context():
        before = _counts(db.engine)
        archive = create_backup(db.engine, world, tmp_path / "backups", now=utcnow())
    assert before["cases"] == 2 and before["documents"] >= 1
    restored = other_app(SQLALCHEMY_DATABASE_URI=empty_database,
                         MEDIATION_STORAGE=str(tmp_path / "restored-storage"))
    with restored.app_context():
        restore_backup(db.engine, restored.config["MEDIATION_STORAGE"], archive)
        assert _counts(db.engine) == before
        storage = Storage(restored.config["MEDIATION_STORAGE"])
        documents = db.session.scalars(select(Document)).all()
        assert documents and all(
            hashlib.sha256(storage.read(document.storage_key)).hexdigest() == document.sha256
            for document in documents)
        checkpoint = latest_checkpoint(Path(restored.config["MEDIATION_STORAGE"])
                                       / "audit-checkpoints")
        report = verify(db.session, checkpoint=checkpoint)
        db.session.remove()
    assert report.intact and report.cases == 2 and report.checked > 0


def test_restore_refuses_a_database_that_is_not_empty(app, world, tmp_path):
    with app.app_context():
        archive = create_backup(db.engine, world, tmp_path / "backups", now=utcnow())
        with pytest.raises(RestoreRefused, match="not empty"):
            restore_backup(db.engine, tmp_path / "elsewhere", archive)


def test_backup_commands_create_and_restore(app, world, other_app, empty_database, tmp_path):
    result = app.test_cli_runner().invoke(args=["backup", "create", "--to",
                                                str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    archive = next((tmp_path / "backups").glob("backup-*.tar.gz"))
    restored = other_app(SQLALCHEMY_DATABASE_URI=empty_database,
                         MEDIATION_STORAGE=str(tmp_path / "restored-storage"))
    with restored.app_context():
        result = restored.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
        db.session.remove()
    assert result.exit_code == 0, result.output
    assert "files checked" in result.output
