"""The monitor's checks and rounds: a dead worker opens an incident and the status page shows it."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from booking.models import Notice, Reservation
from booking.services.probes import booking_path_probe
from operations.checks import check_beat, check_database, check_worker, run_checks
from operations.heartbeats import heartbeat_record
from operations.models import Heartbeat, Incident
from operations.monitor import Monitor
from operations.services.status_page import status_snapshot_read

pytestmark = pytest.mark.django_db


def test_the_database_check_reads_the_primarys_state_and_its_standbys():
    primary, standby, lag = check_database()
    assert primary.ok is True  # the test database is a primary, not in recovery
    assert standby.ok is None and lag.ok is None  # no standby is expected here


def test_a_standby_that_is_expected_but_missing_fails(settings):
    settings.OPERATIONS_EXPECTED_STANDBYS = 1
    _primary, standby, _lag = check_database()
    assert standby.ok is False and "0 of 1 streaming" in standby.detail


def test_worker_and_beat_heartbeats_go_stale():
    Heartbeat.objects.all().delete()  # a worker of another test may have answered already (committed)
    assert check_worker(broker_ok=True, now=timezone.now(), waiting=0).ok is False  # no worker ever answered
    heartbeat_record("worker")
    heartbeat_record("beat")
    now = timezone.now()
    assert check_worker(broker_ok=True, now=now, waiting=0).ok is True
    assert check_worker(broker_ok=True, now=now + dt.timedelta(minutes=5), waiting=0).ok is False
    assert check_worker(broker_ok=False, now=now + dt.timedelta(minutes=5), waiting=0).ok is None  # the broker's fault
    assert check_beat(now=now + dt.timedelta(minutes=5)).ok is False


def test_the_booking_path_probe_books_and_leaves_nothing_behind(in_city_a):
    before = (Reservation.objects.count(), Notice.objects.count())
    outcome = booking_path_probe()
    assert outcome.ok is True and "undone" in outcome.detail
    assert (Reservation.objects.count(), Notice.objects.count()) == before


def test_every_check_runs_including_each_citys_booking_path(city_a):
    results = run_checks(cities=[(city_a, None)])
    names = {result.check_name for result in results}
    assert names >= {"database_primary", "broker", "worker", "beat", "mail_backlog", "disk", "error_rate",
                     "booking_path"}
    assert next(r for r in results if r.check_name == "booking_path").ok is True


def test_a_dead_worker_opens_an_incident_after_two_rounds_and_the_snapshot_shows_it(city_a):
    monitor = Monitor()
    monitor.run_round(probe_cities=False)  # the eager test queue runs the heartbeat at once: alive
    Heartbeat.objects.filter(name="worker").update(beat_at=timezone.now() - dt.timedelta(minutes=10))
    later = timezone.now() + dt.timedelta(minutes=10)
    with time_machine.travel(later, tick=False):
        from config.celery import app

        app.conf.task_always_eager = False  # the worker is gone: nobody answers the heartbeat
        try:
            monitor.run_round(probe_cities=False)
            monitor.run_round(probe_cities=False)
        finally:
            app.conf.task_always_eager = True
    incident = Incident.objects.get(check_name="worker")
    assert incident.resolved_at is None
    assert any(row["check_name"] == "worker" for row in status_snapshot_read()["incidents"])


def test_the_monitor_forgets_request_tallies_older_than_a_day():
    from operations.models import RequestTally

    old = RequestTally.objects.create(minute=timezone.now() - dt.timedelta(days=2), process="web:1", requests=5)
    recent = RequestTally.objects.create(minute=timezone.now(), process="web:1", requests=5)
    Monitor().run_round(probe_cities=False)
    assert not RequestTally.objects.filter(pk=old.pk).exists() and RequestTally.objects.filter(pk=recent.pk).exists()
