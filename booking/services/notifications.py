"""Mails to citizens about their booking (WEB-3, WEB-7), each sent once, in the citizen's language."""
from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from booking.clock import city_today, city_tz
from booking.models import MailReceipt, Reservation, ReservationStatus
from config.tasking import enqueue_on_commit


def reservation_event_notify(*, reservation: Reservation, event: str) -> None:
    """Queue the mail for a booking event once the transaction commits (only if an address was given)."""
    if not reservation.email:
        return
    from booking.tasks import send_reservation_mail

    enqueue_on_commit(send_reservation_mail, reservation.pk, event, f"{event}:{timezone.now().isoformat()}")


def reminder_key(reservation: Reservation) -> str:
    return f"reminder:{reservation.slot.starts_at.isoformat()}"


def reservation_mail_send(*, reservation_id: int, event: str, key: str) -> bool:
    """Send one mail, recording its key first; a second call with the same key sends nothing.

    The receipt and the sending share one transaction: if the relay fails, the receipt is rolled
    back and the task's retry sends the mail.
    """
    from booking.mails import build_reservation_mail

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
    from booking.tasks import send_reservation_mail

    due = list(reminders_due(today))
    sent = set(MailReceipt.objects.filter(reservation__in=due, key__startswith="reminder:")
               .values_list("reservation_id", "key"))
    queued = [(reservation.pk, reminder_key(reservation)) for reservation in due]
    queued = [(pk, key) for pk, key in queued if (pk, key) not in sent]
    with transaction.atomic():
        for pk, key in queued:
            enqueue_on_commit(send_reservation_mail, pk, "reminder", key)
    return len(queued)
