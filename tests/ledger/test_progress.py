"""Without Redis on PostgreSQL, an import writing its cases puts its progress on its row
through a connection of its own, so a web worker other than the one running it reads it."""

import io
import os

import pytest
from sqlalchemy import create_engine, text

from mediation_app.extensions import db
from mediation_app.ledger import jobs

from .conftest import csv_text

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                       reason="PostgreSQL tests run when TEST_DATABASE_URL is set"),
]


def test_the_writing_progress_is_on_the_imports_row_for_other_processes(
        login, make, world, row, app, monkeypatch):
    mediator = make.user(institution=world.committee)
    make.commit()
    other = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    seen, record_on_row = [], jobs._record_on_row

    def record_and_read(import_id, written, total):
        record_on_row(import_id, written, total)
        with other.connect() as connection:
            seen.append(tuple(connection.execute(text(
                "SELECT phase, processed_rows, total_rows FROM ledger_imports WHERE id = :id"),
                {"id": import_id}).one()))

    monkeypatch.setattr(jobs, "_record_on_row", record_and_read)
    client = login(mediator)
    content = csv_text([row(case_no=f"W-{n}") for n in range(3)]).encode()
    response = client.post("/ledger/", data={"file": (io.BytesIO(content), "台账.csv")},
                           content_type="multipart/form-data")
    import_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    db.session.rollback()
    jobs.wait(import_id, timeout=30)
    other.dispose()
    assert seen == [("writing", 3, 3)]
