"""Which receivers a user expects first (the rest stay possible with a stated reason).

- Courts (司法确认 and any kind a court receives): the courts with jurisdiction under
  民事诉讼法 第二百零五条 — where a party lives, where the subject matter is, or where the
  mediation organisation sits: courts at a region on the lineage of the case's region, of
  the sender's region, or of a region named in a party's address.
- 委派/委托 (a court sends): committees within the court's area (its region's subtree).
- 上报: the governance centre(s) nearest above the sender.
- Anything else: receivers in the sender's district (or the case's), nearest first.

It sits in the case file because both the referral loop and the documents addressed to a
court (the joint application for 司法确认) need it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..casefile.models import Case
from ..directory.models import Institution, Region

COURT_KINDS = ("court",)
AREA_LEVELS = ("district", "city")


def _lineage_ids(region: Region) -> list[int]:
    return [int(part) for part in region.path.strip("/").split("/") if part]


def _party_regions(session: Session, case: Case) -> list[Region]:
    """Districts or cities named in the parties' addresses (where a party lives)."""
    addresses = [party.address for party in case.parties if party.address]
    if not addresses:
        return []
    areas = session.scalars(select(Region).where(Region.level.in_(AREA_LEVELS)))
    return [area for area in areas if any(area.name in address for address in addresses)]


def _area_of(session: Session, region: Region) -> Region:
    """The district (or city) a region lies in."""
    ids = _lineage_ids(region)
    rows = {r.id: r for r in session.scalars(select(Region).where(Region.id.in_(ids)))}
    for region_id in reversed(ids):
        if rows[region_id].level in AREA_LEVELS:
            return rows[region_id]
    return region


def expected(session: Session, case: Case, kind: str, sender: Institution,
             candidates: list[Institution]) -> list[Institution]:
    """The candidates a user expects for this referral, nearest first."""
    if not candidates:
        return []
    if kind == "escalate":
        centres = _nearest_above(sender.region,
                                 [c for c in candidates if c.kind == "governance_centre"])
        return [c for c in centres if c.region_id == centres[0].region_id] if centres else []
    if all(c.kind in COURT_KINDS for c in candidates):
        places = [case.region, sender.region, *_party_regions(session, case)]
        lineage = {rid for place in places for rid in _lineage_ids(place)}
        return _nearest_first([c for c in candidates if c.region_id in lineage], case.region)
    if sender.kind in COURT_KINDS:
        return _nearest_first([c for c in candidates if sender.region.contains(c.region)],
                              case.region)
    areas = {_area_of(session, sender.region).path, _area_of(session, case.region).path}
    local = [c for c in candidates if any(c.region.path.startswith(a) for a in areas)
             or c.region_id in _lineage_ids(case.region)]
    return _nearest_first(local, case.region)


def courts_for_confirmation(session: Session, case: Case,
                            sender: Institution) -> list[Institution]:
    """The active courts an application for 司法确认 may be addressed to, nearest first:
    those with jurisdiction under 民事诉讼法 第二百零五条 and 《最高人民法院关于人民调解协议
    司法确认程序的若干规定》第二条 (where the mediating organisation sits)."""
    courts = list(session.scalars(select(Institution).where(
        Institution.kind.in_(COURT_KINDS), Institution.is_active.is_(True))
        .order_by(Institution.name)))
    return expected(session, case, "judicial_confirmation", sender, courts)


def split(session: Session, case: Case, kind: str, sender: Institution,
          candidates: list[Institution]) -> tuple[list[Institution], list[Institution]]:
    first = expected(session, case, kind, sender, candidates)
    return first, [c for c in candidates if c not in first]


def _nearest_above(region: Region, candidates: list[Institution]) -> list[Institution]:
    depth = {rid: index for index, rid in enumerate(_lineage_ids(region))}
    above = [c for c in candidates if c.region_id in depth]
    return sorted(above, key=lambda c: (-depth[c.region_id], c.name))


def _nearest_first(institutions: list[Institution], place: Region) -> list[Institution]:
    """Those on the place's own lineage first (deepest first), then the rest by name."""
    depth = {rid: index for index, rid in enumerate(_lineage_ids(place))}
    return sorted(institutions, key=lambda c: (c.region_id not in depth,
                                               -depth.get(c.region_id, 0), c.name))
