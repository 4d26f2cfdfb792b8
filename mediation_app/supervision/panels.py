"""Supervision's panel on the case page: early warnings and supervision orders."""

from __future__ import annotations

from sqlalchemy import exists

from ..casefile.models import Case
from ..panels import CasePanel, Read, Rows
from ..warnings.models import EarlyWarning
from .models import SupervisionOrder
from .queries import readable_orders


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
    }


PANELS = (CasePanel("alerts", "supervision/_case_card.html", lambda case, reader, now: {},
                    order=10, reads=card_reads),)
