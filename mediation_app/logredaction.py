"""No personal data in log lines: ID numbers and mobile phone numbers are masked (by the
rule of access/masking.py) in every
record of the loggers that can carry them (request lines, SQL errors, the app's own logs).

Request lines lose their query strings altogether (searches by ID number or phone arrive
as GET parameters of the case list); the gunicorn access log is configured the same way in
gunicorn.conf.py and by `mediation serve`. SQL errors never carry bound parameters: the engine is created with
hide_parameters (config SQLALCHEMY_ENGINE_OPTIONS)."""

from __future__ import annotations

import logging
import re

from .access.masking import masked_in_text

# gunicorn's access log: the path without its query string, no referrer
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss "%(a)s"'
REDACTED_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error", "flask.app",
                    "sqlalchemy.engine", "mediation_app", "apscheduler")
_QUERY = re.compile(r"(\"[A-Z]+ [^\s?\"]*)\?[^\s\"]*")


def redact(text: str) -> str:
    """The text with query strings dropped from request lines and ID numbers and phones masked."""
    return masked_in_text(_QUERY.sub(r"\1?…", text))


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


_FILTER = RedactPersonalData()


def init_app(app) -> None:
    for name in (*REDACTED_LOGGERS, app.logger.name):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
