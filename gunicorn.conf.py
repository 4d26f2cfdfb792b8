# Read by gunicorn from the working directory (the Procfile's web process). The settings
# live in mediation_app/webserver.py, shared with `mediation serve`: sync workers
# (WEB_WORKERS, default one per core and one more), and an access log that names the path
# without its query string (searches by ID number or phone travel in it) and without the
# referrer.
from mediation_app.webserver import gunicorn_settings

_settings = gunicorn_settings()
workers = _settings["workers"]
threads = _settings["threads"]
timeout = _settings["timeout"]
access_log_format = _settings["access_log_format"]
