"""Mails to citizens about their booking (WEB-3, WEB-7), each sent once, in the citizen's language."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from booking.clock import city_today, city_tz
from booking.formatting import slot_label
from booking.ics import booking_calendar_file
from booking.models import MailReceipt, Reservation, ReservationStatus
from kernel.mail import render_templated_mail
from kernel.outbox.selectors import outbox_pending_first_args
from kernel.tasking import enqueue_on_commit
from tenants.selectors import municipality_site_url

SEND_RESERVATION_MAIL = "booking.send_reservation_mail"  # the task (booking/tasks.py) that sends one
# A booking is made and cancelled once: those mails have one key each, so a sweeper can queue a
# missing one again without risk of a second mail. Moves happen many times: keyed by their time.
ONCE_PER_BOOKING = ("created", "cancelled")
SWEEP_LOOKBACK = dt.timedelta(days=2)


def mail_key(event: str) -> str:
    return event if event in ONCE_PER_BOOKING else f"{event}:{timezone.now().isoformat()}"


def reservation_event_notify(*, reservation: Reservation, event: str) -> None:
    """Queue the mail for a booking event in the booking's transaction (only if an address was given)."""
    if not reservation.email:
        return
    enqueue_on_commit(SEND_RESERVATION_MAIL, reservation.pk, event, mail_key(event))


def confirmation_mails_missing(*, older_than: dt.timedelta, now: dt.datetime | None = None) -> list[int]:
    """Active bookings with an address, made more than `older_than` ago (up to two days back), whose
    confirmation mail has no receipt and is not waiting in the outbox either."""
    now = now or timezone.now()
    missing = (Reservation.objects.filter(status=ReservationStatus.ACTIVE, created_at__lt=now - older_than,
                                          created_at__gte=now - SWEEP_LOOKBACK)
               .exclude(email="").exclude(mail_receipts__key__startswith="created")
               .order_by("id").values_list("id", flat=True))
    waiting = outbox_pending_first_args(schema_name=connection.schema_name, task_name=SEND_RESERVATION_MAIL)
    return [pk for pk in missing if pk not in waiting]


def confirmation_mails_sweep(*, older_than: dt.timedelta | None = None) -> int:
    """Queue again every confirmation mail that never went out (same key: at most one mail each)."""
    if older_than is None:
        older_than = dt.timedelta(seconds=settings.BOOKING_MAIL_SWEEP_AFTER_SECONDS)
    missing = confirmation_mails_missing(older_than=older_than)
    with transaction.atomic():
        for pk in missing:
            enqueue_on_commit(SEND_RESERVATION_MAIL, pk, "created", "created")
    return len(missing)


def reminder_key(reservation: Reservation) -> str:
    return f"reminder:{reservation.slot.starts_at.isoformat()}"


def reservation_mail_send(*, reservation_id: int, event: str, key: str) -> bool:
    """Send one mail, recording its key first; a second call with the same key sends nothing.

    The receipt and the sending share one transaction: if the relay fails, the receipt is rolled
    back and the task's retry sends the mail.
    """
    with transaction.atomic():
        reservation = (
            Reservation.objects.select_related("slot", "slot__place", "notice").filter(pk=reservation_id).first()
        )
        if reservation is None or not reservation.email:
            return False
        if event == "reminder" and (reservation.status != ReservationStatus.ACTIVE or key != reminder_key(reservation)):
            return False  # cancelled or moved since the reminder was queued
        try:
            with transaction.atomic():
                MailReceipt.objects.create(reservation=reservation, key=key)
        except IntegrityError:
            return False
        build_reservation_mail(reservation, event).send()
    return True


def reminders_due(today: dt.date | None = None):
    """Active bookings with an e-mail address whose pickup is tomorrow (city time)."""
    today = today or city_today()
    tomorrow = today + dt.timedelta(days=1)
    start = dt.datetime.combine(tomorrow, dt.time.min, tzinfo=city_tz())
    return (
        Reservation.objects.filter(status=ReservationStatus.ACTIVE, slot__starts_at__gte=start,
                                   slot__starts_at__lt=start + dt.timedelta(days=1))
        .exclude(email="").select_related("slot")
    )


def reminders_queue(today: dt.date | None = None) -> int:
    """Queue a reminder for every booking of tomorrow that has not had one; safe to run many times."""
    due = list(reminders_due(today))
    sent = set(MailReceipt.objects.filter(reservation__in=due, key__startswith="reminder:")
               .values_list("reservation_id", "key"))
    queued = [(reservation.pk, reminder_key(reservation)) for reservation in due]
    queued = [(pk, key) for pk, key in queued if (pk, key) not in sent]
    with transaction.atomic():
        for pk, key in queued:
            enqueue_on_commit(SEND_RESERVATION_MAIL, pk, "reminder", key)
    return len(queued)


def build_reservation_mail(reservation: Reservation, event: str):
    municipality = connection.tenant
    language = reservation.language if reservation.language in municipality.languages() else "ja"
    place = reservation.slot.place
    context = {
        "event": event,
        "city": municipality.display_name(language),
        "municipality": municipality,
        "code": reservation.code,
        "when": slot_label(reservation.slot.starts_at, reservation.slot.ends_at, language),
        "place": place.display_name(language),
        "address": place.address,
        "guidance": place.guidance_in(language),
        "site_url": municipality_site_url(municipality),
    }
    message = render_templated_mail(to=[reservation.email], template=f"booking/mail/{event}", context=context,
                                    language=language)
    if event in ("created", "changed", "cancelled"):
        message.attach(f"{reservation.code}.ics",
                       booking_calendar_file(reservation, language, cancelled=event == "cancelled"),
                       "text/calendar; charset=utf-8")
    return message
