"""Inputs the database or the parser cannot take are refused up front with a clear 400
(or 404), instead of failing deep inside with a 500:

- ids in URLs beyond PostgreSQL's integer (2^31 - 1) match no route: 404;
- a NUL character anywhere in the query, form fields, file names or JSON strings:
  PostgreSQL text cannot hold it;
- JSON nested deeper than MAX_JSON_DEPTH: the parser would run out of stack."""

from __future__ import annotations

from flask import Flask, Request, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1
MAX_JSON_DEPTH = 32
NUL = "\x00"


class BadInput(BadRequest):
    """A 400 whose description is the message shown to the user."""


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in routes: only ids an INTEGER column can hold."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


class GuardedRequest(Request):
    """Form fields and file names are checked for NUL when the body is first parsed, with
    whatever size limit the view set (a ledger upload raises it)."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        _check_form(self)


def init_app(app: Flask) -> None:
    """Before any route is added: bounded ids; and the checks of every request."""
    app.url_map.converters["int"] = DatabaseIdConverter
    app.request_class = GuardedRequest
    app.before_request(check_request)


def json_depth(body: bytes) -> int:
    """How deeply the JSON text nests arrays and objects (strings are skipped)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def check_request() -> None:
    if NUL in request.path or any(NUL in key or NUL in value
                                  for key, value in request.args.items(multi=True)):
        raise BadInput(_l("The request contains a NUL character (\\0), which is not allowed."))
    if request.is_json:
        _check_json()


def _check_json() -> None:
    if json_depth(request.get_data(cache=True)) > MAX_JSON_DEPTH:
        raise BadInput(_l("The JSON body is nested too deeply."))
    if _has_nul(request.get_json(silent=True)):
        raise BadInput(_l("The request contains a NUL character (\\0), which is not allowed."))


def _check_form(parsed: Request) -> None:
    fields = parsed.form.items(multi=True)
    files = parsed.files.items(multi=True)
    if any(NUL in key or NUL in value for key, value in fields) or \
            any(NUL in key or NUL in (upload.filename or "") for key, upload in files):
        raise BadInput(_l("The request contains a NUL character (\\0), which is not allowed."))
