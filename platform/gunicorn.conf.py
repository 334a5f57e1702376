# gunicorn for madoguchi: `gunicorn -c platform/gunicorn.conf.py config.wsgi:application`
# (the Procfile of `make run` and of production). Sized to the machine's cores by
# kernel/web_layout.py (why, and what was measured, is written there):
#
#   workers  = cores + 1       (WEB_CONCURRENCY): more processes than cores, one spare at most;
#   threads  = 4 per worker    (WEB_THREADS): a thread waits on PostgreSQL while another renders;
#   database = workers × threads connections per node at most (CONN_MAX_AGE keeps them open).
#
# Per core that is 1.5 processes and 6 threads; 2 cores → 3 × 4 = 12 threads, 12 connections.
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project, whatever the working folder
from kernel.web_layout import THREADS, web_workers  # noqa: E402

bind = os.environ.get("MADOGUCHI_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", web_workers()))
threads = int(os.environ.get("WEB_THREADS", THREADS))
worker_class = "gthread"
backlog = 2048
keepalive = 5
graceful_timeout = 5
timeout = 60
max_requests = 20000  # a worker is replaced now and then: bounded memory, connections renewed
max_requests_jitter = 2000
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
