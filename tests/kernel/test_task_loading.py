"""Task modules load once, whichever thread of a web process asks first."""
from __future__ import annotations

import threading

from celery import current_app

from kernel.outbox.relay import registered_task


def test_many_threads_asking_at_once_all_find_the_task(monkeypatch):
    name = "booking.send_reservation_mail"
    task = registered_task(name)  # loaded once for real
    monkeypatch.delitem(current_app.tasks, name)  # as in a web process that never loaded booking.tasks
    loads, found, errors = [], [], []
    slow_start = threading.Event()

    def import_default_modules():
        loads.append(1)
        slow_start.wait(0.2)  # the first import takes a while; the others ask meanwhile
        current_app.tasks[name] = task

    monkeypatch.setattr(current_app.loader, "import_default_modules", import_default_modules)
    barrier = threading.Barrier(8)

    def ask():
        barrier.wait()
        try:
            found.append(registered_task(name))
        except Exception as error:  # noqa: BLE001 - counted below
            errors.append(error)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert errors == [] and len(found) == 8 and len(loads) == 1
