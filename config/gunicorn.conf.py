"""Gunicorn settings for `make run` (values overridable by environment variables)."""

import os

bind = os.environ.get("PEPITES_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("PEPITES_THREADS", "8"))
# Long enough for a slow SQLite write waiting on the busy timeout.
timeout = 60
keepalive = 5
backlog = 2048
accesslog = os.environ.get("PEPITES_ACCESS_LOG") or None
errorlog = "-"
