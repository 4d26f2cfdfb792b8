"""Configuration read from the environment, with safe defaults for a laptop."""

import os
import secrets
from pathlib import Path

from .audit.keys import load_audit_key
from .personaldata import load_key, old_keys
from .resources import ROOT


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_config(instance_path: str) -> dict:
    instance = Path(instance_path)
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or _instance_secret(instance),
        # parties' ID numbers and phones: encryption and blind-index keys, outside the
        # database (DATA_KEY / DATA_INDEX_KEY or their _FILE); earlier keys still decrypt
        "DATA_KEY": load_key("DATA_KEY", instance),
        "DATA_INDEX_KEY": load_key("DATA_INDEX_KEY", instance),
        "DATA_OLD_KEYS": old_keys(),
        # keys the audit chain; kept outside the database (AUDIT_KEY or AUDIT_KEY_FILE)
        "AUDIT_KEY": load_audit_key(instance),
        # signed checkpoints of the audit chains; default: audit-checkpoints in the storage
        "AUDIT_CHECKPOINT_DIR": os.environ.get("AUDIT_CHECKPOINT_DIR"),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL")
        or f"sqlite:///{instance / 'mediation.db'}",
        # statistics, exports and reports read from this streaming replica when set
        "DATABASE_REPLICA_URL": os.environ.get("DATABASE_REPLICA_URL") or None,
        "REPLICA_WAIT_MS": int(os.environ.get("REPLICA_WAIT_MS", 2000)),
        # failed statements never print their bound parameters (ID numbers, phones) in logs
        "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True},
        # a web ledger import still queued or running after this long died with its process
        "LEDGER_IMPORT_STALE_MINUTES": int(os.environ.get("LEDGER_IMPORT_STALE_MINUTES", 60)),
        "MEDIATION_STORAGE": os.environ.get("MEDIATION_STORAGE") or str(instance / "storage"),
        "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
        "ATTACHMENT_MAX_BYTES": 10 * 1024 * 1024,
        "ATTACHMENT_TYPES": ("image/jpeg", "image/png", "application/pdf"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        # a session unused this long is signed out; sessions never outlive the browser
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", 30)),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "FORCE_HTTPS": _bool("FORCE_HTTPS", False),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "LOGIN_RATE_LIMIT": "20 per minute",
        # sign-in back-off: free failures per account and address, then per account from
        # anywhere; each further failure doubles the wait, up to the maximum (seconds)
        "LOGIN_FREE_FAILURES": 5,
        "LOGIN_ACCOUNT_FREE_FAILURES": 20,
        "LOGIN_MAX_BACKOFF_SECONDS": 900,
        "LOGIN_ACCOUNT_MAX_BACKOFF_SECONDS": 60,
        # 等保 2.0 身份鉴别: a password older than this many days is changed at the next
        # sign-in (0 turns ageing off); a new password is none of the last PASSWORD_HISTORY
        "PASSWORD_MAX_AGE_DAYS": int(os.environ.get("PASSWORD_MAX_AGE_DAYS", 90)),
        "PASSWORD_HISTORY": int(os.environ.get("PASSWORD_HISTORY", 3)),
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "LANGUAGES": {"zh_CN": "中文", "en": "English"},
        "CASES_PER_PAGE": 25,
        "DEADLINE_WARNING_DAYS": 3,
        "WORKFLOWS_DIR": os.environ.get("MEDIATION_WORKFLOWS") or str(ROOT / "workflows"),
        # the document templates a workflow names must be in this folder (reports/)
        "REPORTS_DIR": str(ROOT / "reports"),
        "REFERRAL_ACCEPT_WORKING_DAYS": 3,
        # a success is durable when no new case of the same type between the same people
        # arrives within this many months
        "DURABLE_MONTHS": int(os.environ.get("DURABLE_MONTHS", 6)),
        # early warning thresholds (DESIGN.md §2); any key may be left out
        "EARLY_WARNING": {"group_parties": 5, "major_group_parties": 30,
                          "large_amount": 500000, "repeat_months": 12,
                          # risk words: mediation_app/warnings/risk_lexicon.yaml unless
                          # "risk_lexicon" names another file; "risk_words" adds plain words
                          "risk_lexicon": os.environ.get("MEDIATION_RISK_LEXICON") or None},
        "REMINDER_HOURS": 24,
        # 以案定补: yuan per concluded case by outcome and difficulty
        "SUBSIDY_RATES": {"success": {"simple": 100, "normal": 200, "complex": 400},
                          "failure": {"simple": 30, "normal": 50, "complex": 80}},
        "SUBSIDY_COMPLEX": {"parties": 5, "amount": 100000},
        "SUBSIDY_SIMPLE_AMOUNT": 10000,
        # 案件评查 × 以案定补: a reviewed case's subsidy is multiplied by its review grade's
        # factor (grade codes from the review checklist); grades not named, and cases not
        # reviewed, count ×1
        "SUBSIDY_REVIEW_FACTORS": {"excellent": 1.2, "good": 1.0, "pass": 1.0, "fail": 0},
        # the review checklist; by default WORKFLOWS_DIR/review/checklist.yaml
        "REVIEW_CHECKLIST": os.environ.get("MEDIATION_REVIEW_CHECKLIST") or None,
        # printed in QR codes and links on documents; defaults to the address of the request
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL"),
    }


def _instance_secret(instance: Path) -> str:
    """A per-installation key kept in the instance folder, so sessions survive restarts."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
