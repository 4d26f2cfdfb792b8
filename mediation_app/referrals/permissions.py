"""Role rules of the referral loop, as the access policy states them."""

from __future__ import annotations

from ..access.policy import can_extend_period as may_extend_period  # noqa: F401
from ..access.policy import can_read_outcome_report as may_read_outcome_report  # noqa: F401
