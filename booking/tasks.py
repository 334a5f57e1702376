"""Celery tasks of booking. Municipality tasks run in the schema they were sent from.

Tasks are thin: they take ids and primitives and call one service; every one is safe to run twice.
"""
from __future__ import annotations

from booking.services.calendars import slots_extend_horizon
from booking.services.card_import import RUN_CARD_IMPORT, card_import_run
from booking.services.citizen_login import login_counters_purge
from booking.services.counter import no_shows_mark
from booking.services.notifications import (
    SEND_RESERVATION_MAIL,
    confirmation_mails_sweep,
    reminders_queue,
    reservation_mail_send,
)
from booking.services.purge import personal_data_purge
from booking.services.waiting_room import waiting_room_forget
from kernel.tasking import municipality_task, platform_task
from tenants.selectors import dangerously_active_cities


# retries wait at most 30 s, below the broker's visibility timeout (config/celery.py); a mail that
# never goes out is found by the sweeper and queued again
@municipality_task(name=SEND_RESERVATION_MAIL, autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=30,
                   max_retries=8)
def send_reservation_mail(reservation_id: int, event: str, key: str) -> bool:
    return reservation_mail_send(reservation_id=reservation_id, event=event, key=key)


@municipality_task(name="booking.sweep_confirmation_mails")
def sweep_confirmation_mails() -> int:
    return confirmation_mails_sweep()


@municipality_task(name="booking.forget_waiting_tickets")
def forget_waiting_tickets() -> int:
    return waiting_room_forget()


@municipality_task(name="booking.queue_reminders")
def queue_reminders() -> int:
    return reminders_queue()


@municipality_task(name="booking.extend_slot_horizon")
def extend_slot_horizon() -> int:
    return slots_extend_horizon()


@municipality_task(name="booking.purge_login_counters")
def purge_login_counters() -> int:
    return login_counters_purge()


@municipality_task(name=RUN_CARD_IMPORT)
def run_card_import(card_import_id: int) -> str:
    """A large card data file, checked and written by a worker; progress is in its CardImport row."""
    return card_import_run(card_import_id=card_import_id).status


@municipality_task(name="booking.mark_no_shows")
def mark_no_shows() -> int:
    return no_shows_mark()


@municipality_task(name="booking.purge_personal_data")
def purge_personal_data() -> int:
    return personal_data_purge().cards


def _for_every_active_city(task) -> int:
    count = 0
    for schema_name in dangerously_active_cities().values_list("schema_name", flat=True):
        task.apply_async(headers={"_schema_name": schema_name})
        count += 1
    return count


@platform_task(name="booking.reminders_for_all_cities")
def reminders_for_all_cities() -> int:
    """Beat, hourly: every city queues tomorrow's reminders (receipts keep each mail to one)."""
    return _for_every_active_city(queue_reminders)


@platform_task(name="booking.horizon_for_all_cities")
def horizon_for_all_cities() -> int:
    """Beat, nightly: every city opens the slots of the day that entered its horizon."""
    return _for_every_active_city(extend_slot_horizon)


@platform_task(name="booking.login_counters_for_all_cities")
def login_counters_for_all_cities() -> int:
    """Beat, nightly: every city forgets login counters whose windows have long passed."""
    return _for_every_active_city(purge_login_counters)


@platform_task(name="booking.no_shows_for_all_cities")
def no_shows_for_all_cities() -> int:
    """Beat, every evening after the counters close: every city marks the day's no-shows."""
    return _for_every_active_city(mark_no_shows)


@platform_task(name="booking.purge_for_all_cities")
def purge_for_all_cities() -> int:
    """Beat, nightly: every city erases personal data its retention period no longer covers (SEC-10)."""
    return _for_every_active_city(purge_personal_data)


@platform_task(name="booking.mail_sweep_for_all_cities")
def mail_sweep_for_all_cities() -> int:
    """Beat, every minute: every city queues again the confirmation mails that never went out."""
    return _for_every_active_city(sweep_confirmation_mails)


@platform_task(name="booking.waiting_tickets_for_all_cities")
def waiting_tickets_for_all_cities() -> int:
    """Beat, hourly: every city forgets the waiting room's tickets of yesterday."""
    return _for_every_active_city(forget_waiting_tickets)
