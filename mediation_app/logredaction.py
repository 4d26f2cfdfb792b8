"""No personal data in log lines: ID numbers and mobile phone numbers are masked in every
record of the loggers that can carry them (request lines, SQL errors, the app's own logs).

Request lines lose their query strings altogether (searches by ID number or phone arrive
as GET parameters of the case list); the gunicorn access log is configured the same way in
gunicorn.conf.py and by `mediation serve`. SQL errors never carry bound parameters: the engine is created with
hide_parameters (config SQLALCHEMY_ENGINE_OPTIONS)."""

from __future__ import annotations

import logging
import re

# gunicorn's access log: the path without its query string, no referrer
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss "%(a)s"'
REDACTED_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error", "flask.app",
                    "sqlalchemy.engine", "mediation_app", "apscheduler")
_QUERY = re.compile(r"(\"[A-Z]+ [^\s?\"]*)\?[^\s\"]*")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8,11}([\dXx])(?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def redact(text: str) -> str:
    """The text with query strings dropped from request lines and ID numbers and phones masked."""
    text = _QUERY.sub(r"\1?…", text)
    text = _ID_NUMBER.sub(lambda m: m.group(1) + "*" * (len(m.group(0)) - 7) + m.group(2), text)
    return _PHONE.sub(r"\1****\2", text)


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
