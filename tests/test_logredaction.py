"""No ID number or phone reaches a log line: failed statements hide their parameters,
request lines lose their query strings, and every line is masked."""

import logging
import runpy
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from mediation_app.casefile.models import Party
from mediation_app.domain.idcard import mask_id_number
from mediation_app.extensions import db

from .factories import id_number

ROOT = Path(__file__).resolve().parent.parent


def test_a_failing_statement_logs_no_id_number_or_phone(app, session, caplog):
    number, phone = id_number(), "13912345678"
    with caplog.at_level(logging.INFO):
        with pytest.raises(IntegrityError) as failure:
            session.execute(insert(Party).values(case_id=None, position=0, role="applicant",
                                                 kind="person", name="张三", id_number=number,
                                                 phone=phone))
        session.rollback()
        app.logger.error("statement failed", exc_info=failure.value)
    assert number not in str(failure.value) and phone not in str(failure.value)
    assert number not in caplog.text and phone not in caplog.text
    assert "statement failed" in caplog.text


def test_a_search_by_id_number_leaves_no_trace_in_the_request_log(app, caplog):
    number = id_number()
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        logging.getLogger("werkzeug").info(
            '127.0.0.1 - - [01/Dec/2026 09:00:00] "GET /cases/?q=%s&page=2 HTTP/1.1" 200 -',
            number)
    assert number not in caplog.text
    assert '"GET /cases/?… HTTP/1.1" 200' in caplog.text


def test_app_log_lines_mask_id_numbers_and_phones(app, caplog):
    number = id_number()
    with caplog.at_level(logging.INFO):
        app.logger.warning("party %s phone %s", number, "13912345678")
    assert number not in caplog.text and "13912345678" not in caplog.text
    assert f"party {mask_id_number(number)}" in caplog.text and "139****5678" in caplog.text


def test_the_gunicorn_access_log_names_the_path_without_its_query_string():
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    log_format = settings["access_log_format"]
    assert "%(U)s" in log_format
    assert not any(part in log_format for part in ("%(r)s", "%(q)s", "%(f)s"))


def test_the_engine_hides_bound_parameters(app):
    with app.app_context():
        assert db.engine.hide_parameters is True
