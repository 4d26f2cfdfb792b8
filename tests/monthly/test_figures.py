"""Headline changes and the differences between versions: pure functions of frozen dicts."""

from decimal import Decimal

from mediation_app.monthly.figures import change, differences, field_label, headline
from mediation_app.monthly.printing import change_text, value_text


def _totals(**values):
    base = {"received": 10, "concluded": 8, "success": 6, "failure": 2, "withdrawn": 0,
            "transferred": 0, "success_rate": "75.00", "parties": 16,
            "agreement_amount": "1000.00", "overdue": 1, "durable_success": 6,
            "durable_success_rate": "75.00"}
    return {**base, **values}


def _frozen(totals=None, previous=None, last_year=None, channel_success=6):
    return {"totals": totals or _totals(), "previous": previous or _totals(),
            "last_year": last_year or _totals(),
            "groups": {"channel": [{"key": "peoples", "name": "人民调解",
                                    "success": channel_success}]},
            "referrals": {"by_kind": [], "pairs": []},
            "overdue_cases": {"items": []}, "major_risk": {"items": []}, "escalations": None}


def test_month_on_month_change_of_a_count_is_absolute_and_relative():
    assert change(12, 10, is_rate=False) == {"delta": Decimal(2), "percent": Decimal("20.00")}
    assert change_text("received", change(12, 10, is_rate=False)) == "+2（+20.00%）"


def test_a_count_rising_from_zero_has_no_relative_change():
    assert change_text("received", change(3, 0, is_rate=False)) == "+3"


def test_a_rate_changes_by_percentage_points():
    assert change_text("success_rate", change("72.50", "75.00", is_rate=True)) == "-2.50个百分点"


def test_nothing_to_compare_with_shows_a_dash_and_no_change_says_so():
    assert change_text("success_rate", change(None, "75.00", is_rate=True)) == "—"
    assert change_text("received", change(10, 10, is_rate=False)) == "持平"


def test_amounts_print_with_thousands_separators():
    assert value_text("agreement_amount", "31200.50") == "31,200.50"
    assert change_text("agreement_amount", change("2500.00", "1000.00", is_rate=False)) == \
        "+1,500.00（+150.00%）"


def test_headline_lists_the_nine_figures_with_both_comparisons():
    rows = headline(_frozen(totals=_totals(received=15), last_year=_totals(received=5)))
    assert [row["name"] for row in rows] == [
        "received", "concluded", "success", "failure", "success_rate",
        "durable_success_rate", "parties", "agreement_amount", "overdue"]
    received = rows[0]
    assert received["month_on_month"]["delta"] == 5 and received["year_on_year"]["delta"] == 10


def test_differences_name_each_changed_figure_in_order():
    before = _frozen()
    after = _frozen(totals=_totals(success=7, success_rate="87.50"), channel_success=7)
    changed = differences(before, after)
    assert [item["field"] for item in changed] == [
        "totals.success", "totals.success_rate", "channel:peoples.success"]
    assert changed[0] == {"field": "totals.success", "old": 6, "new": 7}
    assert field_label("channel:peoples.success", before, after) == "人民调解 · 调解成功"
    assert field_label("totals.success_rate", after) == "全部 · 调解成功率（%）"
    assert differences(before, before) == []
