"""gunicorn settings for the web tier: uvicorn workers serve HTTP and WebSockets (ASGI)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "uvicorn_worker.UvicornWorker"
# One worker per core is the measured sweet spot for an async worker; override per host.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None  # the app writes its own structured access log with the request id
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
