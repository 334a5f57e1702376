"""Tasks of operations: the worker's heartbeat, sent by the monitor through the broker."""
from __future__ import annotations

from kernel.tasking import platform_task
from operations.heartbeats import heartbeat_record

WORKER_HEARTBEAT = "operations.worker_heartbeat"


@platform_task(name=WORKER_HEARTBEAT, ignore_result=True)
def worker_heartbeat() -> None:
    """A worker took this from the queue: tasks are being processed."""
    heartbeat_record("worker")
