"""Pages that carry a 打印 button; static/app.css holds the print stylesheet that lays them
out on paper, static/app.js the button's handler (no inline script under the CSP)."""

from flask import Flask, request

PRINTABLE = frozenset({"cases.show", "cases.index", "stats.index", "agreements.session_record"})


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"printable": request.endpoint in PRINTABLE})
