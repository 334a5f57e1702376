from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from booking.models import MailReceipt, Place, Slot
from booking.services.audit import Actor
from booking.services.notifications import reminders_queue
from booking.services.reservations import reservation_book, reservation_cancel
from tests.booking.factories import CITIZEN, STAFF, NoticeFactory, make_slot, open_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def kita(in_city_a):
    return Place.objects.get(code="kita")


def book(slot, *, email="hanako@example.jp", language="ja", capture=None, actor=CITIZEN):
    with capture(execute=True):
        return reservation_book(notice=NoticeFactory(), slot=slot, actor=actor, email=email,
                                language=language).reservation


def test_booking_mail_in_japanese_with_era_code_place_and_calendar_file(kita, django_capture_on_commit_callbacks):
    slot = make_slot(kita, open_weekday(), dt.time(10, 30))
    reservation = book(slot, capture=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["hanako@example.jp"]
    assert reservation.code in message.subject and "青葉市" in message.subject
    assert "令和" in message.body and "10:30" in message.body and "北区役所" in message.body
    assert "交付通知書" in message.body
    name, content, mimetype = message.attachments[0]
    assert name == f"{reservation.code}.ics" and mimetype.startswith("text/calendar")
    assert "BEGIN:VEVENT" in content and "DTSTART:" in content and "STATUS:CONFIRMED" in content


def test_mail_comes_in_the_language_of_the_booking(kita, django_capture_on_commit_callbacks):
    slot = make_slot(kita, open_weekday(), dt.time(11))
    book(slot, language="en", capture=django_capture_on_commit_callbacks)
    message = mail.outbox[0]
    assert "Aoba City" in message.subject and "North" not in message.subject
    assert "Booking code" in message.body and "令和" not in message.body


def test_no_mail_without_an_address_and_none_before_commit(kita, django_capture_on_commit_callbacks):
    slot = make_slot(kita, open_weekday(), dt.time(11))
    book(slot, email="", capture=django_capture_on_commit_callbacks)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=False) as pending:
        reservation_book(notice=NoticeFactory(), slot=slot, actor=CITIZEN, email="a@example.jp")
    assert pending and mail.outbox == []  # nothing is sent while the transaction is open
    for callback in pending:  # what runs once it commits
        callback()
    assert [message.to for message in mail.outbox] == [["a@example.jp"]]


def test_change_and_cancel_each_send_a_mail_saying_what_was_accepted(kita, django_capture_on_commit_callbacks):
    first, second = make_slot(kita, open_weekday(), dt.time(9)), make_slot(kita, open_weekday(skip=1), dt.time(14))
    reservation = book(first, capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        reservation_book(notice=reservation.notice, slot=second, actor=CITIZEN)
    with django_capture_on_commit_callbacks(execute=True):
        reservation_cancel(reservation=reservation, actor=CITIZEN)
    subjects = [m.subject for m in mail.outbox]
    assert len(subjects) == 3
    assert "変更" in subjects[1] and "14:00" in mail.outbox[1].body
    assert "取り消" in subjects[2] or "キャンセル" in subjects[2]
    assert "STATUS:CANCELLED" in mail.outbox[2].attachments[0][1]


def _tomorrow_slot(kita, hour=10):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    return make_slot(kita, tomorrow, dt.time(hour))


def test_reminder_the_day_before_goes_out_once(kita, django_capture_on_commit_callbacks):
    reservation = book(_tomorrow_slot(kita), capture=django_capture_on_commit_callbacks, actor=STAFF)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_queue() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_queue() == 0  # the scheduler ran again: nothing new
    assert len(mail.outbox) == 1 and "明日" in mail.outbox[0].subject
    assert MailReceipt.objects.filter(reservation=reservation, key__startswith="reminder:").count() == 1


def test_the_same_mail_task_delivered_twice_sends_once(kita, django_capture_on_commit_callbacks):
    from booking.services.notifications import reminder_key
    from booking.tasks import send_reservation_mail

    reservation = book(_tomorrow_slot(kita), capture=django_capture_on_commit_callbacks, actor=STAFF)
    mail.outbox.clear()
    key = reminder_key(reservation)
    for _ in range(2):
        send_reservation_mail.apply(args=[reservation.pk, "reminder", key],
                                    headers={"_schema_name": "alpha"})
    assert len(mail.outbox) == 1


def test_no_reminder_for_a_cancelled_booking(kita, django_capture_on_commit_callbacks):
    reservation = book(_tomorrow_slot(kita), capture=django_capture_on_commit_callbacks, actor=STAFF)
    reservation_cancel(reservation=reservation, actor=STAFF)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_queue() == 0
    assert mail.outbox == []


def test_a_reminder_queued_before_a_cancellation_is_not_sent(kita, django_capture_on_commit_callbacks):
    from booking.services.notifications import reminder_key, reservation_mail_send

    reservation = book(_tomorrow_slot(kita), capture=django_capture_on_commit_callbacks, actor=STAFF)
    key = reminder_key(reservation)
    reservation_cancel(reservation=reservation, actor=STAFF)
    mail.outbox.clear()
    assert reservation_mail_send(reservation_id=reservation.pk, event="reminder", key=key) is False
    assert mail.outbox == [] and Slot.objects.get(pk=reservation.slot_id).booked == 0


def test_mails_link_to_the_port_the_site_is_served_on(in_city_a, settings):
    from booking.models import Place
    from booking.services.notifications import build_reservation_mail
    from tests.booking.factories import NoticeFactory, make_slot, open_weekday

    settings.MADOGUCHI_SITE_PORT = "8123"
    notice = NoticeFactory()
    booking = reservation_book(notice=notice, slot=make_slot(Place.objects.get(code="kita"), open_weekday()),
                               actor=Actor.citizen(notice=notice), email="taro@example.jp").reservation
    assert "http://alpha.localhost:8123/" in build_reservation_mail(booking, "created").body


def test_the_sweeper_finds_a_confirmation_that_never_went_out_and_sends_it_once(
        kita, django_capture_on_commit_callbacks):
    import time_machine

    from booking.services.notifications import confirmation_mails_sweep
    from kernel.outbox.models import OutboxMessage

    slot = make_slot(kita, open_weekday(), dt.time(13))
    with django_capture_on_commit_callbacks(execute=False):  # the mail was written, then lost
        lost = reservation_book(notice=NoticeFactory(), slot=slot, actor=CITIZEN, email="lost@example.jp").reservation
    OutboxMessage.objects.filter(args__0=lost.pk).update(state="sent")  # handed to a broker that lost it
    delivered = book(slot, capture=django_capture_on_commit_callbacks)
    waiting = reservation_book(notice=NoticeFactory(), slot=slot, actor=CITIZEN, email="w@example.jp").reservation
    mail.outbox.clear()

    assert confirmation_mails_sweep(older_than=dt.timedelta(minutes=5)) == 0  # too recent to call it lost
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6)):
        with django_capture_on_commit_callbacks(execute=True):
            assert confirmation_mails_sweep(older_than=dt.timedelta(minutes=5)) == 1  # the waiting one stays
        with django_capture_on_commit_callbacks(execute=True):
            assert confirmation_mails_sweep(older_than=dt.timedelta(minutes=5)) == 0
    assert [m.to for m in mail.outbox] == [["lost@example.jp"]]
    assert MailReceipt.objects.filter(reservation=lost, key="created").count() == 1
    assert not MailReceipt.objects.filter(reservation=waiting).exists()
    assert MailReceipt.objects.filter(reservation=delivered).count() == 1
