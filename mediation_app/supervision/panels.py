"""Supervision's panel on the case page: early warnings and supervision orders."""

from __future__ import annotations

from sqlalchemy import exists, select, union
from sqlalchemy.orm import aliased

from ..casefile.models import Case
from ..directory.models import Institution
from ..panels import CasePanel, Read, Rows
from ..warnings.models import EarlyWarning
from .models import ACTIVE, SupervisionOrder
from .queries import listed_among, readable_orders


def card_reads(case, reader) -> dict:
    """The orders and warnings of the card (views.supervision_of), declared for the page to
    read with the other panels'; the orders as queries.orders_of_case filters them (over
    the case, in an EXISTS, since the page's statement joins no case)."""
    return {
        ("supervision_orders", case.id): Read({"orders": Rows(
            SupervisionOrder, (SupervisionOrder.case_id == case.id) & exists().where(
                Case.id == SupervisionOrder.case_id, readable_orders(reader)),
            (SupervisionOrder.issued_at, SupervisionOrder.id))}),
        ("early_warnings", case.id): Read({"warnings": Rows(
            EarlyWarning, EarlyWarning.case_id == case.id,
            (EarlyWarning.raised_at, EarlyWarning.id))}),
        ("open_order_listed", case.id): Read({"open": Rows(
            _OPEN, (_OPEN.case_id == case.id) & _OPEN.status.in_(ACTIVE))}, listed_among),
        # the centres and institutions the card names: loaded, the orders find them there
        ("order_institutions", case.id): Read({"named": Rows(
            Institution, Institution.id.in_(_named_by_orders(case.id)))}),
    }


# not the orders the statement reads beside; aliased once (an alias costs a millisecond
# to make, the case page reads this on every request)
_NAMING = aliased(SupervisionOrder)


def _named_by_orders(case_id: int):
    return union(select(_NAMING.centre_id).where(_NAMING.case_id == case_id),
                 select(_NAMING.institution_id).where(_NAMING.case_id == case_id))


# the case's open orders whoever reads them, for its badges: another list of orders than
# the card's (which are the reader's to see), hence an alias of the entity
_OPEN = aliased(SupervisionOrder)


PANELS = (CasePanel("alerts", "supervision/_case_card.html", lambda case, reader, now: {},
                    order=10, reads=card_reads),)
