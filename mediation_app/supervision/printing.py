"""The printed 督办单 and the short texts told about a listed order: free text with ID
numbers and phones masked, dates as the day in China (2026年12月1日). With REDIS_URL set the
督办单 is printed by a queue worker (the job `supervision_print`, see mediation_app.rendered)."""

from __future__ import annotations

from datetime import datetime

from ..access import policy
from ..access.masking import masked_in_text
from ..auth.models import User
from ..db import db
from ..documents.rendering import cn_date, lines, render_pdf
from ..rendered import render_in_worker
from .models import SupervisionOrder

TEMPLATE = "supervision_order.html"
# 《中国共产党政法工作条例》第十二条: the political-legal committee supervises (督查) and
# coordinates the prevention and resolution of disputes; the centres work under it
CITES = "《中国共产党政法工作条例》第十二条"


def masked(text: str | None, *, limit: int | None = None) -> str:
    """The text with every ID number and mobile phone masked, cut to `limit` characters."""
    shown = masked_in_text((text or "").strip())
    return shown if limit is None or len(shown) <= limit else shown[:limit] + "…"


def shown_date(value: datetime) -> str:
    return cn_date(value)


def print_order(order: SupervisionOrder, *, now: datetime) -> bytes:
    """The 督办单 as the issuing centre and the supervised institution print it."""
    return render_pdf(TEMPLATE, order=order, case=order.case, centre=order.centre,
                      institution=order.institution, summary=masked(order.case.summary),
                      instruction=lines(masked(order.instruction)),
                      reply=lines(masked(order.reply)), cites=CITES, printed_at=now)


def printed_name(order: SupervisionOrder) -> str:
    return f"督办单-{order.case.case_no}.pdf"


def print_job(order_id: int, actor_id: int, printed_at: str) -> dict:
    """The queued job: the 督办单 as the request printed it at `printed_at` (ISO), kept for
    the user who asked, should they still be one of the two institutions it is between;
    {"refused": True} otherwise."""
    def render(actor: User) -> tuple[bytes, str] | None:
        order = db.session.get(SupervisionOrder, order_id)
        if order is None or not policy.can_print_supervision(actor, order):
            return None
        return print_order(order, now=datetime.fromisoformat(printed_at)), printed_name(order)

    return render_in_worker(actor_id, render)
