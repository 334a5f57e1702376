# gunicorn for madoguchi: `gunicorn -c platform/gunicorn.conf.py config.wsgi:application`
# (the Procfile of `make run` and of production). Sized to the machine's cores:
#
#   workers  = 2 × cores + 1   (WEB_CONCURRENCY): more processes than cores, so that the kernel
#              spreads keep-alive connections over several accept queues and one busy process
#              never holds every client (seen with 2 workers on 2 cores: throughput halved);
#   threads  = 4 per worker    (WEB_THREADS): a thread waits on PostgreSQL while another renders;
#   database = workers × threads connections per node at most (CONN_MAX_AGE keeps them open).
#
# Per core that is 2–2.5 processes and 8–10 threads; 2 cores → 5 × 4 = 20 threads, 20 connections.
import multiprocessing
import os

cores = multiprocessing.cpu_count()
bind = os.environ.get("MADOGUCHI_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * cores + 1))
threads = int(os.environ.get("WEB_THREADS", 4))
worker_class = "gthread"
backlog = 2048
keepalive = 5
graceful_timeout = 5
timeout = 60
max_requests = 20000  # a worker is replaced now and then: bounded memory, connections renewed
max_requests_jitter = 2000
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
