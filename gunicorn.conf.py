# Read by gunicorn from the working directory. The access log names the path without its
# query string (searches by ID number or phone travel in it) and without the referrer.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss "%(a)s"'
