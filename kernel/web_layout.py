"""How many gunicorn processes and threads a web node runs: one place for the production
configuration (platform/gunicorn.conf.py) and the benchmarks that run gunicorn as production does.

Workers = cores + 1, of 4 threads each: 3 × 4 on two cores, 12 database connections per node.

* More processes than cores, so that the kernel spreads keep-alive connections over several
  accept queues and one busy process never holds every client (with 2 workers on 2 cores all
  connections sometimes landed on one and throughput halved).
* No more than one spare: each further process on the same cores is one more to switch between.
  In four alternated pairs of release rushes on two cores, 3 × 4 spent 24–32 ms of CPU per
  booking (web, PostgreSQL and Locust together) where 5 × 4 (2 × cores + 1) spent 28–35, 9 % less
  in every pair, and booked 57.8/s against 56.5/s on average.
* 4 threads: one renders while others wait on PostgreSQL; the processes are CPU-bound, and more
  threads only help while the database answers.

No Django here: gunicorn's configuration file imports it before any application is loaded.
"""
from __future__ import annotations

import os

THREADS = 4


def web_workers(cores: int | None = None) -> int:
    """gunicorn worker processes for a node with `cores` CPU cores (this machine's by default)."""
    return (cores or os.cpu_count() or 1) + 1
