import tracemalloc
from datetime import datetime

from sqlalchemy import func, select

from mediation_app.casefile.models import Case
from mediation_app.handlings.catalog import catalog
from mediation_app.ledger.services import import_ledger

from .conftest import ledger_row

ROWS = 20_000


def _rows(world, count):
    for n in range(count):
        yield ledger_row(world, case_no=f"S-{n:06d}", summary=f"第{n}号邻里纠纷，双方因排水沟堵塞发生争执")


def test_an_import_does_not_keep_its_rows_in_memory(session, world):
    import_ledger(session, _rows(world, 50), dry_run=False, catalog=catalog(),
                  now=datetime(2026, 6, 1))  # warm up caches outside the measurement
    session.rollback()
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        result = import_ledger(session, _rows(world, ROWS), dry_run=False, catalog=catalog(),
                               now=datetime(2026, 6, 1))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.imported == ROWS
    assert session.scalar(select(func.count()).select_from(Case)) == ROWS
    assert peak - baseline < 8 * 1024 * 1024, f"peak {(peak - baseline) / 2**20:.1f} MiB"
