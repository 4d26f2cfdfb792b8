"""The document issuer configured from the running app."""

from flask import current_app, request

from ..storage import Storage
from .services import Issuer


def current_issuer() -> Issuer:
    public_url = current_app.config.get("PUBLIC_BASE_URL") or (
        request.host_url if request else "http://127.0.0.1:5000/")
    return Issuer(storage=Storage(current_app.config["MEDIATION_STORAGE"]),
                  secret_key=current_app.config["SECRET_KEY"], public_url=public_url)
