"""Reading back what two concurrent edits left behind (pages and API alike)."""

from sqlalchemy import select

from mediation_app.audit.models import CaseEvent


def saved_value(session, world):
    """The edited field of the record as the database holds it now."""
    session.expire_all()
    return getattr(session.get(world["kind"].model, world["id"]), world["kind"].field)


def edit_events(session, world):
    """The audit events the edits of this kind of record wrote on the case."""
    return session.scalars(select(CaseEvent).where(
        CaseEvent.case_id == world["case_id"], CaseEvent.action == world["kind"].action)).all()
