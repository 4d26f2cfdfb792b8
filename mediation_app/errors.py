"""Error pages in the user's language; JSON for the API."""

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError

from .requestguard import BadInput

MESSAGES = {
    400: lambda: _("The request could not be understood."),
    403: lambda: _("You do not have permission to do this."),
    404: lambda: _("Not found."),
    405: lambda: _("This action is not allowed here."),
    409: lambda: _("Someone else changed this in the meantime. Reload the page and try again."),
    413: lambda: _("The upload is too large."),
    429: lambda: _("Too many attempts. Please wait a minute and try again."),
    500: lambda: _("Something went wrong on our side. Nothing was saved."),
}


def _respond(code: int, message: str | None = None):
    message = message or MESSAGES.get(code, MESSAGES[500])()
    if request.path.startswith("/api/"):
        return jsonify(error=message, status=code), code
    return render_template("error.html", code=code, message=message), code


def _told(error) -> str | None:
    """The reason a view gave with abort(code, description=...), if it gave one."""
    description = getattr(error, "description", None)
    return description if description and description != type(error).description else None


def register_error_handlers(app) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, lambda error, code=code: _respond(code, _told(error)))
    app.register_error_handler(StaleDataError, lambda error: _respond(409))
    app.register_error_handler(BadInput, lambda error: _respond(400, str(error.description)))
    app.register_error_handler(
        CSRFError, lambda error: _respond(400, _("The form expired. Please reload and try again."))
    )
