"""The monthly tests run before the package is wired into create_app(): the tables are
made if missing, and the blueprint and commands are registered on a twin of the session
app (Flask refuses new blueprints on an app that has served a request)."""

import shutil
import subprocess

import pytest

from mediation_app import create_app
from mediation_app.extensions import db
from mediation_app.monthly.models import JobRun, MonthlyReport, MonthlyReportRequest


@pytest.fixture(scope="session", autouse=True)
def monthly_tables(app):
    with app.app_context():
        for model in (JobRun, MonthlyReport, MonthlyReportRequest):
            model.__table__.create(db.engine, checkfirst=True)


@pytest.fixture(scope="session")
def monthly_app(app):
    """An app serving /reports and offering `flask report` and `flask scheduler`."""
    if "monthly" in app.blueprints:
        yield app
        return
    from mediation_app.monthly.cli import register
    from mediation_app.monthly.views import bp

    twin = create_app({key: app.config[key] for key in (
        "TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "WTF_CSRF_ENABLED",
        "MEDIATION_STORAGE")})
    twin.register_blueprint(bp)
    register(twin)
    yield twin
    with twin.app_context():
        db.engine.dispose()


@pytest.fixture
def pdf_text(tmp_path):
    """The text of a PDF as pdftotext lays it out (skipped without poppler-utils)."""
    def extract(content: bytes, *tool_args: str) -> str:
        tool = tool_args[0] if tool_args else "pdftotext"
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} (poppler-utils) is not installed")
        path = tmp_path / "report.pdf"
        path.write_bytes(content)
        command = [tool, "-layout", str(path), "-"] if tool == "pdftotext" else [tool, str(path)]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout

    return extract
