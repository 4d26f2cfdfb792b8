# Read by gunicorn from the working directory. The access log names the path without its
# query string (searches by ID number or phone travel in it) and without the referrer.
from mediation_app.logredaction import ACCESS_LOG_FORMAT

access_log_format = ACCESS_LOG_FORMAT
