"""Supervision's panel on the case page: early warnings and supervision orders."""

from __future__ import annotations

from ..panels import CasePanel

PANELS = (CasePanel("alerts", "supervision/_case_card.html", lambda case, reader, now: {},
                    order=10),)
