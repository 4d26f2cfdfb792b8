"""Referral kinds meant for institutions of one specialty (Institution.specialty), beside
the institution kinds the receiving workflows name.

The traffic police and the 道路交通事故人民调解委员会 hand road traffic cases to each other
(道路交通事故处理程序规定 第八十六条第二款; 公安部 司法部 保监会《关于推行人民调解委员会调解
道路交通事故民事损害赔偿工作的通知》公通字〔2010〕29号 四): the traffic police send only to a
committee whose specialty is road traffic, and only such a committee sends back. Both ways
the sender confirms that the parties agree (人民调解 is voluntary, 人民调解法 第三条; the
traffic police mediate on the parties' joint application, 第八十六条第一款)."""

from __future__ import annotations

from ..directory.models import Institution
from ..domain.codes import DisputeType

TRAFFIC = DisputeType.TRAFFIC.value
RECEIVER_SPECIALTY = {"traffic_peoples_mediation": TRAFFIC}
SENDER_SPECIALTY = {"traffic_police_mediation": TRAFFIC}
WITH_CONSENT = frozenset({"traffic_peoples_mediation", "traffic_police_mediation"})


def needs_consent(kind: str) -> bool:
    """Whether the sender must confirm that the parties agree to this handover."""
    return kind in WITH_CONSENT


def sent_by(kind: str, institution: Institution) -> bool:
    """Whether `institution` may send a referral of this kind at all."""
    wanted = SENDER_SPECIALTY.get(kind)
    return wanted is None or institution.specialty == wanted


def received_by(kind: str, institution: Institution) -> bool:
    """Whether `institution` may receive a referral of this kind."""
    wanted = RECEIVER_SPECIALTY.get(kind)
    return wanted is None or institution.specialty == wanted
