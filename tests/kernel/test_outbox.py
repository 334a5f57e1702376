"""Side effects are written with the booking and reach the task queue however long the broker is gone."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from booking.models import MailReceipt, Place, Reservation
from booking.services.reservations import reservation_book
from kernel.outbox.models import OutboxMessage
from kernel.outbox.relay import outbox_relay, outbox_requeue
from kernel.outbox.selectors import outbox_backlog
from kernel.tasking import enqueue_on_commit
from tenants.models import Municipality
from tests.booking.factories import CITIZEN, NoticeFactory, make_slot, open_weekday

pytestmark = pytest.mark.django_db
MAIL = "booking.send_reservation_mail"


@pytest.fixture
def slot(in_city_a):
    return make_slot(Place.objects.get(code="kita"), open_weekday(), dt.time(10))


def book(slot, capture):
    with capture(execute=True):
        return reservation_book(notice=NoticeFactory(), slot=slot, actor=CITIZEN, email="hanako@example.jp",
                                language="ja").reservation


def test_the_mail_is_a_row_of_the_bookings_own_transaction(slot, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        with transaction.atomic():
            reservation = reservation_book(notice=NoticeFactory(), slot=slot, actor=CITIZEN,
                                           email="a@example.jp").reservation
            row = OutboxMessage.objects.get(task_name=MAIL, args__0=reservation.pk)
            assert (row.schema_name, row.state, row.args[1:]) == ("alpha", "pending", ["created", "created"])
            transaction.set_rollback(True)  # the booking fails after all
    assert not OutboxMessage.objects.filter(pk=row.pk).exists() and mail.outbox == []


def test_sent_right_after_commit_when_the_broker_answers(slot, django_capture_on_commit_callbacks):
    reservation = book(slot, django_capture_on_commit_callbacks)
    row = OutboxMessage.objects.get(task_name=MAIL, args__0=reservation.pk)
    assert row.state == "sent" and row.attempts == 1
    assert len(mail.outbox) == 1


def test_a_booking_succeeds_while_the_broker_is_down_and_its_mail_goes_out_once_it_is_back(
        slot, broker_down, django_capture_on_commit_callbacks):
    reservation = book(slot, django_capture_on_commit_callbacks)  # no exception: the request succeeds
    assert Reservation.objects.filter(pk=reservation.pk, status="active").exists()
    row = OutboxMessage.objects.get(task_name=MAIL, args__0=reservation.pk)
    assert row.state == "pending" and row.attempts == 1 and "Error" in row.last_error
    assert row.available_at > timezone.now()  # backoff before the next try
    assert outbox_relay().claimed == 0  # not due yet

    with time_machine.travel(row.available_at + dt.timedelta(seconds=1)):
        report = outbox_relay()  # the relay while the broker is still gone
    row.refresh_from_db()
    assert (report.sent, row.state, row.attempts) == (0, "pending", 2) and report.broker_error


def test_the_relay_sends_what_waited_once_the_broker_is_back(slot, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the commit's own send never happened
        reservation = reservation_book(notice=NoticeFactory(), slot=slot, actor=CITIZEN,
                                       email="a@example.jp").reservation
    connection.set_schema_to_public()  # the relay runs outside any city
    report = outbox_relay()
    assert report.sent >= 1
    with tenant_context(Municipality.objects.get(schema_name="alpha")):
        assert MailReceipt.objects.filter(reservation=reservation, key="created").count() == 1
    assert len(mail.outbox) == 1 and outbox_relay().sent == 0  # nothing left, nothing sent twice


def test_a_message_for_a_city_that_does_not_exist_is_retried_then_parked_visibly(settings, in_city_a):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    row = OutboxMessage.objects.create(schema_name="ghost", task_name=MAIL, args=[1, "created", "created"])
    now = timezone.now()
    for attempt in range(1, 4):
        now += dt.timedelta(minutes=5)
        report = outbox_relay(now=now)
        row.refresh_from_db()
        assert row.attempts == attempt and "ghost" in row.last_error
    assert row.state == "parked" and report.parked == 1
    assert outbox_backlog().parked == 1
    assert outbox_requeue(ids=[row.pk]) == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("pending", 0)


def test_a_task_whose_city_is_gone_when_the_worker_runs_it_goes_back_to_the_outbox():
    from booking.tasks import send_reservation_mail

    result = send_reservation_mail.apply(args=[1, "created", "created"], headers={"_schema_name": "ghost"})
    assert result.successful() and result.result is None  # not raised away and lost
    row = OutboxMessage.objects.get(schema_name="ghost")
    assert (row.state, row.task_name, row.args, row.attempts) == ("pending", MAIL, [1, "created", "created"], 1)


def test_an_unknown_task_fails_in_the_writers_transaction(in_city_a):
    with pytest.raises(KeyError):
        enqueue_on_commit("booking.no_such_task", 1)


def test_the_citizen_gets_the_confirmation_page_while_the_broker_is_down(slot, client_a, broker_down):
    """The measured failure of issue 12: the on-commit send raised after the commit (HTTP 500, lost mail)."""
    import re

    NoticeFactory(number="AB1234567", birth_day=7)
    client_a.post("/login/", {"notice_number": "AB1-234567", "birth_day": "7"})
    form = client_a.get(f"/booking/slots/{slot.pk}/").content.decode()
    token = re.search(r'name="token" value="([^"]+)"', form).group(1)
    response = client_a.post(f"/booking/slots/{slot.pk}/", {"token": token, "email": "hanako@example.jp"})
    assert response.status_code == 302 and response["Location"] == "/booking/"
    assert client_a.get("/booking/").status_code == 200
    reservation = Reservation.objects.get(email="hanako@example.jp")
    assert OutboxMessage.objects.get(args__0=reservation.pk, task_name=MAIL).state == "pending"
