"""Health check for load balancers: no login, no data."""

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .db import db
from .extensions import limiter
from .handlings.catalog import catalog
from .workflow import DefinitionInvalid

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """Report whether the database answers and the workflow definitions are valid."""
    report = {"status": "ok", "database": "ok", "workflows": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        report.update(status="error", database="unreachable")
    try:
        catalog()
    except DefinitionInvalid:
        report.update(status="error", workflows="invalid")
    return jsonify(report), 200 if report["status"] == "ok" else 503
