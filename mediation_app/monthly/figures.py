"""The frozen figures of a monthly report: every number the PDF prints, as plain JSON.

`freeze` reads the database once; everything after it (headline changes, the changes
between versions, the PDF) works on the frozen dict only."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from ..access.masking import masked_in_text
from ..casefile.models import Case, Handling
from ..deadlines.models import Escalation
from ..directory.models import Institution, Region
from ..labels import label_zh
from ..review.models import CaseReview
from ..stats import prevented
from ..stats.definitions import Figures, month_period, shift_month
from ..stats.queries import Scope, referral_statistics
from ..stats.rollups import overdue_cases, page_figures

HEADLINE = ("received", "concluded", "success", "failure", "success_rate",
            "durable_success_rate", "parties", "agreement_amount", "overdue")
RATES = ("success_rate", "durable_success_rate")
CHANNELS = ("peoples", "administrative", "judicial")
GROUPS = ("channel", "dispute_type", "region", "institution")
REFERRAL_COUNTS = ("sent", "accepted", "returned", "withdrawn", "expired", "pending")
LIST_LIMIT = 200
TREND_MONTHS = 12


@dataclass(frozen=True)
class Settings:
    durable_months: int = 6
    group_parties: int = 5
    major_group_parties: int = 30

    @classmethod
    def from_config(cls, config) -> Settings:
        warning = config.get("EARLY_WARNING") or {}
        return cls(durable_months=int(config.get("DURABLE_MONTHS", 6)),
                   group_parties=int(warning.get("group_parties", 5)),
                   major_group_parties=int(warning.get("major_group_parties", 30)))


def _plain(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    return value


def figures_dict(figures: Figures) -> dict:
    values = {**figures.contract(), "durable_success": figures.durable_success,
              "durable_success_rate": figures.durable_success_rate}
    return {name: _plain(value) for name, value in values.items()}


def freeze(session: Session, region: Region, month: str, *, now: datetime,
           settings: Settings, first_sync: bool = True) -> dict:
    """Every figure of the report, JSON-safe (amounts and rates as "12.50" strings)."""
    period, scope = month_period(month), Scope(region=region)
    months = settings.durable_months
    found = page_figures(session, period, scope, groups=GROUPS, trend_months=TREND_MONTHS + 1,
                         now=now, durable_months=months, first_sync=first_sync)
    report, trend = found.report, found.trend
    frozen = {
        "month": month, "from": period.start.isoformat(), "to": period.end.isoformat(),
        "region": {"code": region.code, "name": region.name},
        "durable_months": months,
        "totals": figures_dict(report.totals),
        "previous": figures_dict(trend[shift_month(month, -1)]),
        "last_year": figures_dict(trend[shift_month(month, -12)]),
        "groups": {group: _groups(session, group, found.by[group]) for group in GROUPS},
        "trend": _trend(trend, month),
        "referrals": _referrals(session, period, scope, now=now),
        "overdue_cases": _overdue_cases(session, period, scope, now=now),
        "escalations": _escalations(session, period, region),
        "prevented": prevented.total(prevented.from_rollups(
            session, period, scope, durable_months=months, first_sync=False)).as_dict(),
        "major_risk": _major_risk(session, period, region, settings),
        "thresholds": {"group_parties": settings.group_parties,
                       "major_group_parties": settings.major_group_parties},
        "review_ranking": _review_ranking(session, period, region),
    }
    return json.loads(json.dumps(frozen, ensure_ascii=False))


def _names(session: Session, group: str) -> dict[str, str]:
    if group == "region":
        return dict(session.execute(select(Region.code, Region.name)).all())
    if group == "institution":
        return dict(session.execute(select(Institution.code, Institution.name)).all())
    return {}


def _groups(session, group, grouped: dict[str, Figures]) -> list[dict]:
    keys = sorted(grouped)
    if group == "channel":
        keys = list(CHANNELS) + [key for key in keys if key not in CHANNELS]
    names = _names(session, group)
    return [{"key": key, "name": names.get(key) or label_zh(group, key),
             **figures_dict(grouped.get(key, Figures()))} for key in keys]


def _trend(monthly: dict[str, Figures], month: str) -> dict:
    labels = [shift_month(month, offset) for offset in range(1 - TREND_MONTHS, 1)]
    return {"months": labels,
            "received": [monthly[m].received for m in labels],
            "concluded": [monthly[m].concluded for m in labels],
            "success_rate": [_plain(monthly[m].success_rate) for m in labels]}


def _referrals(session, period, scope, *, now) -> dict:
    rows = referral_statistics(session, period, scope, now=now)
    pairs = [{"kind": r.kind, "from_kind": r.from_kind, "to_kind": r.to_kind,
              **{name: getattr(r, name) for name in REFERRAL_COUNTS},
              "median_hours_to_accept": r.median_hours_to_accept} for r in rows]
    by_kind: dict[str, dict] = {}
    for row in pairs:
        totals = by_kind.setdefault(row["kind"], {"kind": row["kind"],
                                                  **{name: 0 for name in REFERRAL_COUNTS}})
        for name in REFERRAL_COUNTS:
            totals[name] += row[name]
    return {"by_kind": sorted(by_kind.values(), key=lambda item: item["kind"]), "pairs": pairs}


def _in_region(region: Region):
    return Case.region_id.in_(select(Region.id).where(Region.path.startswith(region.path)))


def _overdue_cases(session, period, scope, *, now) -> dict:
    rows = overdue_cases(session, period, scope, now=now, limit=LIST_LIMIT + 1)
    return {"items": [{"case_no": no, "institution": name, "deadline_at": _plain(deadline)}
                      for no, name, deadline in rows[:LIST_LIMIT]],
            "truncated": len(rows) > LIST_LIMIT}


def _escalations(session, period, region) -> dict:
    """Cases escalated (督办) during the month."""
    handler, receiver = aliased(Institution), aliased(Institution)
    rows = session.execute(
        select(Case.case_no, handler.name, receiver.name, Escalation.deadline_at,
               Escalation.escalated_at)
        .join(Case, Case.id == Escalation.case_id)
        .join(Handling, Handling.id == Escalation.handling_id)
        .join(handler, handler.id == Handling.institution_id)
        .outerjoin(receiver, receiver.id == Escalation.to_institution_id)
        .where(_in_region(region), Escalation.escalated_at >= period.starts_at,
               Escalation.escalated_at < period.ends_at)
        .order_by(Escalation.escalated_at, Case.case_no).limit(LIST_LIMIT + 1)).all()
    return {"items": [{"case_no": no, "institution": name, "to_institution": to or "",
                       "deadline_at": _plain(deadline), "escalated_at": _plain(escalated)}
                      for no, name, to, deadline, escalated in rows[:LIST_LIMIT]],
            "truncated": len(rows) > LIST_LIMIT}


def _major_risk(session, period, region, settings: Settings) -> dict:
    """群体性 cases filed before the month ended and not closed before it began."""
    start, end = period.starts_at, period.ends_at
    rows = session.execute(
        select(Case.case_no, Case.party_count, Case.dispute_type, Case.summary,
               Institution.name, Case.filed_at, Case.closed_at)
        .join(Institution, Institution.id == Case.holder_institution_id)
        .where(_in_region(region), Case.party_count >= settings.group_parties,
               Case.filed_at < end, or_(Case.closed_at.is_(None), Case.closed_at >= start))
        .order_by(Case.party_count.desc(), Case.case_no).limit(LIST_LIMIT + 1)).all()
    # the committee reads its region masked, as everywhere: ID numbers and phones a clerk
    # wrote into a summary are masked before the figures are stored
    items = [{"case_no": no, "parties": parties, "dispute_type": kind,
              "summary": masked_in_text(summary or ""),
              "institution": name, "filed_at": _plain(filed),
              "closed_in_month": bool(closed and closed < end),
              "major": parties >= settings.major_group_parties}
             for no, parties, kind, summary, name, filed, closed in rows[:LIST_LIMIT]]
    return {"items": items, "truncated": len(rows) > LIST_LIMIT,
            "major": sum(1 for item in items if item["major"])}


def _review_ranking(session, period, region) -> list[dict]:
    """评查通报: the region's institutions ranked by the average score rate of their case
    files reviewed in the month (a case reviewed twice in it counts with its last review),
    highest first; ties by more cases reviewed, then by name."""
    rows = session.execute(
        select(CaseReview.case_id, Institution.code, Institution.name, CaseReview.rate)
        .join(Institution, Institution.id == CaseReview.institution_id)
        .join(Region, Region.id == Institution.region_id)
        .where(Region.path.startswith(region.path), CaseReview.reviewed_at >= period.starts_at,
               CaseReview.reviewed_at < period.ends_at)
        .order_by(CaseReview.case_id, CaseReview.version)).all()
    last = {case_id: (code, name, rate) for case_id, code, name, rate in rows}
    by_institution: dict[tuple[str, str], list[Decimal]] = {}
    for code, name, rate in last.values():
        by_institution.setdefault((code, name), []).append(Decimal(rate))
    ranked = sorted(((code, name, _average(rates), len(rates))
                     for (code, name), rates in by_institution.items()),
                    key=lambda row: (-row[2], -row[3], row[1]))
    return [{"rank": place, "key": code, "name": name, "average_score": f"{average:.2f}",
             "reviewed": count}
            for place, (code, name, average, count) in enumerate(ranked, start=1)]


def _average(rates: list[Decimal]) -> Decimal:
    return (sum(rates, Decimal("0")) / len(rates)).quantize(Decimal("0.01"),
                                                             rounding=ROUND_HALF_UP)


# --- pure: headline changes and the differences between versions ---------------------

def _number(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def change(current, before, *, is_rate: bool) -> dict | None:
    """The difference (and, for counts and amounts, the relative change in percent)."""
    now_value, then_value = _number(current), _number(before)
    if now_value is None or then_value is None:
        return None
    delta = now_value - then_value
    relative = None
    if not is_rate and then_value:
        relative = (delta * 100 / then_value).quantize(Decimal("0.01"))
    return {"delta": delta, "percent": relative}


def headline(frozen: dict) -> list[dict]:
    """Each headline figure this month, last month and a year ago, with the changes."""
    rows = []
    for name in HEADLINE:
        current = frozen["totals"][name]
        previous, last_year = frozen["previous"][name], frozen["last_year"][name]
        is_rate = name in RATES
        rows.append({"name": name, "value": current, "previous": previous,
                     "last_year": last_year, "is_rate": is_rate,
                     "month_on_month": change(current, previous, is_rate=is_rate),
                     "year_on_year": change(current, last_year, is_rate=is_rate)})
    return rows


def _flatten(frozen: dict) -> dict[str, object]:
    """Every figure under a stable name; tolerant of versions frozen with fewer sections."""
    flat = {f"totals.{name}": value for name, value in frozen.get("totals", {}).items()}
    for group, rows in frozen.get("groups", {}).items():
        for row in rows:
            for name, value in row.items():
                if name not in ("key", "name"):
                    flat[f"{group}:{row['key']}.{name}"] = value
    for row in frozen.get("referrals", {}).get("pairs", []):
        prefix = f"referral:{row['kind']}:{row['from_kind']}>{row['to_kind']}"
        for name in (*REFERRAL_COUNTS, "median_hours_to_accept"):
            flat[f"{prefix}.{name}"] = row.get(name)
    for name, value in frozen.get("prevented", {}).items():
        flat[f"prevented.{name}"] = value
    for row in frozen.get("review_ranking") or []:
        for name in ("rank", "average_score", "reviewed"):
            flat[f"review:{row['key']}.{name}"] = row[name]
    for listing in ("overdue_cases", "major_risk", "escalations"):
        if frozen.get(listing) is not None:
            flat[f"{listing}.count"] = len(frozen[listing]["items"])
    return flat


def differences(before: dict, after: dict) -> list[dict]:
    """What differs between two versions' figures: [{field, old, new}], in a stable order."""
    old, new = _flatten(before), _flatten(after)
    return [{"field": field, "old": old.get(field), "new": new.get(field)}
            for field in sorted(old.keys() | new.keys(), key=_field_order)
            if old.get(field) != new.get(field)]


def _field_order(field: str) -> tuple:
    section = field.split(":", 1)[0].split(".", 1)[0]
    order = ["totals", "prevented", *GROUPS, "referral", "overdue_cases", "escalations",
             "major_risk", "review"]
    return (order.index(section) if section in order else len(order), field)


FIGURE_ZH = {
    "received": "受理纠纷", "concluded": "调解终结", "success": "调解成功", "failure": "调解不成",
    "withdrawn": "撤回", "transferred": "移交他处", "success_rate": "调解成功率（%）",
    "durable_success": "稳定化解", "durable_success_rate": "稳定化解率（%）",
    "parties": "涉及当事人", "agreement_amount": "协议涉及金额（元）", "overdue": "超期未结",
    "sent": "发出", "accepted": "签收", "returned": "退回", "expired": "逾期未签收",
    "pending": "待签收", "median_hours_to_accept": "签收用时中位数（小时）", "count": "件数",
    "rank": "评查排名", "average_score": "评查平均得分率（%）", "reviewed": "评查案件数",
    "criminal_cases": "防止民转刑案件（件）", "criminal_people": "防止民转刑案件（人）",
    "petition_cases": "防止群体性上访（件）", "petition_people": "防止群体性上访（人）",
    "fight_cases": "防止群体性械斗（件）", "fight_people": "防止群体性械斗（人）",
}
LIST_ZH = {"overdue_cases": "超期未结案件清单", "major_risk": "群体性案件清单",
           "escalations": "督办案件清单"}


def field_label(field: str, *versions: dict) -> str:
    """'channel:peoples.success' → '人民调解 · 调解成功', for the list of changes."""
    subject, _, figure = field.rpartition(".")
    section, _, key = subject.partition(":")
    if section in ("totals", "prevented"):
        where = "全部"
    elif section in LIST_ZH:
        where = LIST_ZH[section]
    elif section == "referral":
        kind, _, pair = key.partition(":")
        sender, _, receiver = pair.partition(">")
        where = (f"{label_zh('referral_kind', kind)}（{label_zh('institution_kind', sender)}→"
                 f"{label_zh('institution_kind', receiver)}）")
    elif section == "review":
        names = {row["key"]: row["name"] for frozen in versions
                 for row in frozen.get("review_ranking") or []}
        where = f"评查通报 · {names.get(key, key)}"
    else:
        names = {row["key"]: row["name"] for frozen in versions
                 for row in frozen.get("groups", {}).get(section, [])}
        where = names.get(key) or label_zh(section, key)
    return f"{where} · {FIGURE_ZH.get(figure, figure)}"
