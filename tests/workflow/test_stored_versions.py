"""The stored row of a workflow text, kept by the process once a committed transaction read
it (handlings.catalog.stored_version)."""

from sqlalchemy import select

from mediation_app.casefile.models import WorkflowVersion
from mediation_app.handlings.catalog import catalog, stored_version

from ..statements import counted


def test_a_committed_row_is_given_again_without_a_query(app, session):
    source = catalog().sources["peoples_committee"]
    first = stored_version(session, source).id
    session.commit()
    with counted(app) as statements:
        again = stored_version(session, source)
    assert again.id == first and statements == []


def test_a_row_created_by_a_rolled_back_transaction_is_not_kept(session):
    source = catalog().sources["peoples_committee"]
    stored_version(session, source)
    session.rollback()
    session.execute(select(1))
    session.commit()        # a later transaction of the session commits
    row_id = stored_version(session, source).id
    assert session.scalar(select(WorkflowVersion.id).where(WorkflowVersion.id == row_id)) == row_id
