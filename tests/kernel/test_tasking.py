"""Tasks run in the municipality they were sent from; without one they fail loudly."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django_tenants.utils import tenant_context

from config.celery import app
from kernel.tasking import MissingMunicipalityError, enqueue_on_commit
from platform_console.tasks import send_staff_welcome
from tenants.models import User

pytestmark = pytest.mark.django_db


def test_task_sent_inside_a_city_runs_in_that_citys_schema(city_b, django_capture_on_commit_callbacks):
    admin = User.objects.get(username="beta-admin")
    with tenant_context(city_b), django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(send_staff_welcome, admin.pk)
    assert len(mail.outbox) == 1
    assert "東区役所" in mail.outbox[0].body and "北区役所" not in mail.outbox[0].body


def test_nothing_is_sent_when_the_transaction_rolls_back(city_b, django_capture_on_commit_callbacks):
    admin = User.objects.get(username="beta-admin")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with tenant_context(city_b):
            enqueue_on_commit(send_staff_welcome, admin.pk)
    assert len(callbacks) == 1 and mail.outbox == []


def test_municipality_task_refuses_to_be_enqueued_outside_a_city():
    with pytest.raises(MissingMunicipalityError):
        enqueue_on_commit(send_staff_welcome, 1)


def test_municipality_task_refuses_to_run_in_the_public_schema():
    result = send_staff_welcome.apply(args=[1], headers={"_schema_name": "public"})
    assert isinstance(result.result, MissingMunicipalityError)
    assert connection.schema_name == "public"


def _worker_environment(outbox: Path) -> dict:
    environment = dict(os.environ)
    db = settings.DATABASES["default"]
    environment.update({
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "MADOGUCHI_TEST_EMAIL_BACKEND": "kernel.mail.OutboxEmailBackend",
        "MADOGUCHI_OUTBOX_DIR": str(outbox),
    })
    return environment


def wait_until(condition, timeout: float) -> bool:
    """Poll `condition` until it holds or `timeout` seconds pass (for work done by another process)."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while time.monotonic() < deadline:
        if condition():
            return True
        pause.wait(0.1)
    return bool(condition())


@pytest.mark.slow
def test_a_real_worker_takes_tasks_from_the_broker_in_the_right_schema(tmp_path, city_a):
    """Web process sends through the broker; a separate worker process runs the task in alpha."""
    admin = User.objects.get(username="alpha-admin")  # committed when the session was set up
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config.celery", "worker", "--pool", "solo", "--loglevel", "INFO",
         "--queues", settings.CELERY_TASK_DEFAULT_QUEUE, "--without-gossip", "--without-mingle"],
        env=_worker_environment(tmp_path / "outbox"), stdout=log.open("w"), stderr=subprocess.STDOUT,
        cwd=settings.BASE_DIR,
    )
    app.conf.task_always_eager = False
    try:
        send_staff_welcome.apply_async(args=[admin.pk], headers={"_schema_name": "public"})
        send_staff_welcome.apply_async(args=[admin.pk], headers={"_schema_name": "alpha"})
        # the worker is another process: wait until it has done both (no fixed pause)
        done = wait_until(lambda: list((tmp_path / "outbox").glob("*.eml")) and "MissingMunicipalityError"
                          in log.read_text(), timeout=60)
        assert done, log.read_text()[-3000:]
        mails = list((tmp_path / "outbox").glob("*.eml"))
    finally:
        app.conf.task_always_eager = True
        worker.terminate()
        worker.wait(timeout=30)
    output = log.read_text()
    assert len(mails) == 1, output[-3000:]
    body = mails[0].read_bytes().decode("utf-8", "replace")
    assert "admin@alpha.example.org" in body
    assert "MissingMunicipalityError" in output  # the task sent without a city failed loudly
