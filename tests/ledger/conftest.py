"""A small city for ledger tests, and ledger files built from rows."""

import csv
import io
from types import SimpleNamespace

import pytest

from mediation_app.ledger.columns import COLUMNS


@pytest.fixture
def world(make):
    """淮安市 > 清江浦区 > 浦楼街道, another district, and institutions in them."""
    city = make.region(code="3208", name="淮安市")
    district = make.region(level="district", parent=city, code="320812", name="清江浦区")
    town = make.region(level="town", parent=district, code="320812001", name="浦楼街道")
    other = make.region(level="district", parent=city, code="320803", name="淮安区")
    committee = make.institution(region=town, short_name="浦楼")
    police = make.institution(kind="police", region=district, short_name="清江浦派出所")
    centre = make.institution(kind="governance_centre", region=district, short_name="清江浦矛调")
    faraway = make.institution(region=other, short_name="淮安区")
    make.commit()
    return SimpleNamespace(city=city, district=district, town=town, other=other,
                           committee=committee, police=police, centre=centre, faraway=faraway)


def ledger_row(world, **overrides) -> dict:
    """A good row: a neighbours' dispute settled at the town committee."""
    row = {
        "case_no": "", "institution_code": world.committee.code, "channel": "peoples",
        "source": "walk_in", "dispute_type": "neighbour", "region_code": "320812001",
        "received_on": "2025-03-02", "outcome": "success", "concluded_on": "2025-03-20",
        "parties": "2", "amount": "1200.00", "agreement_amount": "1000.00",
        "summary": "邻里排水纠纷",
    }
    row.update(overrides)
    return row


def csv_text(rows, header=COLUMNS) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in COLUMNS])
    return buffer.getvalue()


@pytest.fixture
def row(world):
    return lambda **overrides: ledger_row(world, **overrides)
