"""History is frozen (DESIGN.md §8): after a handover, earlier timeline steps keep the state
and institution names they had when they happened."""

from datetime import datetime

from sqlalchemy import select

from mediation_app.audit.models import CaseEvent
from mediation_app.directory.models import Institution

from .helpers import (
    accept_via_view,
    client_for,
    database,
    examine_via_view,
    file_case_via_view,
    fire_via_view,
    new_world,
    pending_referral_id,
    send_via_view,
)

NOW = datetime(2025, 3, 10, 2, 0)


def test_old_steps_keep_their_state_and_institution_names_after_a_handover(app):
    world = new_world(app)
    police = client_for(app, world.police_liaison)
    mediator = client_for(app, world.mediator)
    case_id = file_case_via_view(police, world.district.id)
    examine_via_view(police, case_id)
    fire_via_view(police, case_id, "accept")
    send_via_view(police, case_id, "police_mediation", world.committee, "请调解。")
    accept_via_view(mediator, pending_referral_id(app, case_id))
    fire_via_view(mediator, case_id, "accept")
    with database(app) as session:
        police_step = session.scalars(select(CaseEvent).where(
            CaseEvent.case_id == case_id, CaseEvent.action == "handling.transition")
            .order_by(CaseEvent.seq)).first()
        assert police_step.data["labels"]["state"] == ["登记", "受理（已审查可调解）"]
        assert police_step.data["labels"]["institution"] == "清江浦公安分局浦楼派出所"
        # the police station is renamed later; the history keeps the old name
        session.get(Institution, world.police.id).name = "清江浦公安分局新名称派出所"
        session.commit()

    page = mediator.get(f"/cases/{case_id}").get_data(as_text=True)
    timeline = page.split('class="timeline"')[1]
    assert "登记 → 受理（已审查可调解）" in timeline
    assert "清江浦公安分局浦楼派出所" in timeline
    assert "新名称" not in timeline
