"""Statistics count failures by the typed reason recorded when the handling ended."""

from datetime import datetime, timedelta

import pytest

from mediation_app.handlings.services import HandlingError, fire_transition
from mediation_app.stats.reasons import outcomes_by_reason


def _fail(make, reason):
    case, mediator = make.mediating_case()
    fire_transition(make.session, case, "close_failure", actor=mediator, now=datetime.now(),
                    reason=reason, note="双方分歧较大")
    return case


def test_failures_are_counted_by_their_reason(make, session):
    """人民调解法 art. 26: a mediation that fails ends with its reason recorded."""
    _fail(make, "no_agreement")
    _fail(make, "no_agreement")
    case = _fail(make, "party_refuses")
    start = datetime.now() - timedelta(days=1)

    counts = outcomes_by_reason(session, start, datetime.now() + timedelta(days=1))

    assert counts == {"no_agreement": 2, "party_refuses": 1}
    assert case.handlings[-1].outcome_note == "双方分歧较大"


def test_a_failure_without_a_reason_from_the_workflow_list_is_refused(make):
    """Typed outcomes: the reason must be one the workflow declares."""
    case, mediator = make.mediating_case()
    with pytest.raises(HandlingError) as missing:
        fire_transition(make.session, case, "close_failure", actor=mediator, now=datetime.now())
    with pytest.raises(HandlingError) as unknown:
        fire_transition(make.session, case, "close_failure", actor=mediator,
                        now=datetime.now(), reason="bad_weather")
    assert (missing.value.code, unknown.value.code) == ("reason_required", "unknown_reason")
