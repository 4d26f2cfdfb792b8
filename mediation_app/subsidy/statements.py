"""The 以案定补 statement as a reader may see it (their own institution, or the mediating
institutions of their region; a mediator only their own lines), its rows in the reader's
language, and its PDF: rendered in the request, or with REDIS_URL set by a queue worker (the
job `subsidy_statement`, see mediation_app.rendered) in the language of the request."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access import roles
from ..auth.models import User
from ..db import db
from ..directory.models import Institution, Region
from ..documents.rendering import render_pdf
from ..labels import label
from ..rendered import render_in_worker
from ..review.catalog import checklist
from .services import DIFFICULTIES, OUTCOMES, MediatorLine, statement

MEDIATING_KINDS = ("peoples_committee", "professional_committee", "police", "traffic_police",
                   "labour_bureau", "court")


class NotVisible(LookupError):
    """The institution asked for is not one the reader sees."""


def institutions_for(session: Session, user: User) -> list[Institution]:
    """Mediating institutions the user may see: their own, or those in their region."""
    if roles.subsidy_limited_to_institution(user):
        return [user.institution]
    return list(session.scalars(
        select(Institution).join(Region)
        .where(Region.path.startswith(user.institution.region.path),
               Institution.kind.in_(MEDIATING_KINDS))
        .order_by(Institution.name)))


def chosen_institutions(session: Session, user: User, chosen: int | None) -> list[Institution]:
    """Those the user sees, or the one chosen among them; NotVisible for any other."""
    return chosen_among(institutions_for(session, user), chosen)


def chosen_among(institutions: list[Institution], chosen: int | None) -> list[Institution]:
    """`institutions`, or the one chosen among them; NotVisible for any other."""
    if not chosen:
        return institutions
    found = [i for i in institutions if i.id == chosen]
    if not found:
        raise NotVisible(chosen)
    return found


def lines_for(session: Session, user: User, institutions: list[Institution], *, month: str,
              config) -> list[MediatorLine]:
    lines = statement(session, institution_ids=[i.id for i in institutions], month=month,
                      config=config)
    if roles.subsidy_limited_to_self(user):
        lines = [line for line in lines if line.mediator_id == user.id]
    return lines


def rows(lines: list[MediatorLine]) -> tuple[list[str], list[list]]:
    columns = [(o, d) for o in OUTCOMES for d in DIFFICULTIES]
    grades = checklist().grades
    header = [_("Mediator")] + [f"{label('outcome', o)}·{label('difficulty', d)}" for o, d in columns] \
        + [f"评查{grade.label}" for grade in grades] + ["案件数", "补贴金额（元）"]
    body = [[line.name] + [line.counts.get(c, 0) for c in columns]
            + [line.grades.get(grade.code, 0) for grade in grades]
            + [line.cases, f"{line.amount:.2f}"] for line in lines]
    return header, body


def review_factors(config) -> list[tuple[str, object]]:
    """Each review grade's label and its subsidy factor, for the statement's note."""
    factors = config.get("SUBSIDY_REVIEW_FACTORS") or {}
    return [(grade.label, factors.get(grade.code, 1)) for grade in checklist().grades]


def statement_pdf(session: Session, user: User, *, month: str, chosen: int | None,
                  config) -> bytes:
    institutions = chosen_institutions(session, user, chosen)
    header, body = rows(lines_for(session, user, institutions, month=month, config=config))
    return render_pdf("subsidy.html", month=month, institutions=institutions, header=header,
                      rows=body, factors=review_factors(config))


def statement_name(month: str) -> str:
    return f"subsidy-{month}.pdf"


def statement_job(actor_id: int, month: str, institution_id: int | None, locale: str) -> dict:
    """The queued job: the statement's PDF as the request rendered it for `actor_id`, in
    the request's language, kept for them; {"refused": True} should they no longer see
    subsidies or that institution."""
    def render(actor: User) -> tuple[bytes, str] | None:
        if not roles.sees_subsidies(actor):
            return None
        try:
            with force_locale(locale):
                pdf = statement_pdf(db.session, actor, month=month, chosen=institution_id,
                                    config=current_app.config)
        except NotVisible:
            return None
        return pdf, statement_name(month)

    return render_in_worker(actor_id, render)
