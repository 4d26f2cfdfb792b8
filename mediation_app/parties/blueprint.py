"""The parties' public blueprint: no staff session on it, a refusal page for too many tries."""

from flask import Blueprint, render_template

from .messages import refusal_message
from .web import without_staff_session

bp = Blueprint("parties", __name__)
bp.before_request(without_staff_session)


@bp.errorhandler(429)
def too_many(_error):
    return render_template("parties/refused.html",
                           message=refusal_message("rate_limited")), 429
