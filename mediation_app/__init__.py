"""Dispute mediation case management: create_app() builds the Flask application."""

from pathlib import Path

from flask import Flask, request, session

from .config import load_config
from .db import configure_engine
from .extensions import babel, csrf, db, limiter, login_manager, migrate, talisman
from .resources import ROOT

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "img-src": ["'self'", "data:"],
    "style-src": "'self'",
    "script-src": "'self'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    app.config.update(load_config(app.instance_path))
    if test_config:
        app.config.update(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    return app


def _select_locale() -> str:
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(list(languages), "zh_CN") if request else "zh_CN"


def _init_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (the whole schema, for SQLAlchemy and Alembic)

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale,
                   default_translation_directories=str(Path(__file__).parent / "translations"))
    limiter.init_app(app)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
    )
    from . import formatting, logredaction, printable, replica, requestguard, transaction
    from .audit import accounts as _account_audit  # noqa: F401  (signal receivers)
    from .auth import login
    from .handlings import catalog
    from .notifications import receivers as _notification_receivers  # noqa: F401
    from .outbox import jobs as outbox
    from .parties import receivers as _party_receivers  # noqa: F401  (signal receivers)
    from .referrals import receivers as _referral_receivers  # noqa: F401  (signal receivers)
    from .referrals import routing
    from .review import catalog as review_checklist
    from .warnings import receivers as _warning_receivers  # noqa: F401

    formatting.init_app(app)
    printable.init_app(app)
    transaction.init_app(app)
    replica.init_app(app)
    login.init_app(app, login_manager)
    catalog.init_app(app)
    logredaction.init_app(app)
    requestguard.init_app(app)
    routing.init_app(app)
    review_checklist.init_app(app)
    outbox.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from .admin.views import bp as admin_bp
    from .agreements import document_views  # noqa: F401  (registers the documents page)
    from .agreements.views import bp as agreements_bp
    from .api import edit_views, workflow_views  # noqa: F401  (register their API routes)
    from .api.views import bp as api_bp
    from .auth.views import bp as auth_bp
    from .cases.views import bp as cases_bp
    from .dashboard.views import bp as dashboard_bp
    from .documents.views import bp as documents_bp
    from .errors import register_error_handlers
    from .handlings.views import bp as handlings_bp
    from .health import bp as health_bp
    from .ledger.views import bp as ledger_bp
    from .monthly.views import bp as monthly_bp
    from .notifications.views import bp as notifications_bp
    from .parties.inbox_views import bp as applications_bp
    from .parties.views import bp as parties_bp
    from .referrals.outcome_views import bp as outcomes_bp
    from .referrals.views import bp as referrals_bp
    from .roster.views import bp as roster_bp
    from .stats.views import bp as stats_bp
    from .subsidy.views import bp as subsidy_bp

    for blueprint in (auth_bp, dashboard_bp, cases_bp, handlings_bp, referrals_bp, agreements_bp,
                      documents_bp, stats_bp, subsidy_bp, ledger_bp, monthly_bp,
                      notifications_bp, admin_bp, api_bp, health_bp, parties_bp, applications_bp,
                      roster_bp):
        app.register_blueprint(blueprint)
    from .archive.views import bp as archive_bp
    from .review.views import bp as review_bp
    from .stats.prevented_views import bp as prevented_bp
    from .supervision.views import bp as supervision_bp

    app.register_blueprint(supervision_bp)
    app.register_blueprint(archive_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(prevented_bp)
    app.register_blueprint(outcomes_bp)
    csrf.exempt(api_bp)
    register_error_handlers(app)


def _register_cli(app: Flask) -> None:
    from .cli import register

    register(app)
