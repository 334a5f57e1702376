"""Celery tasks of booking. Municipality tasks run in the schema they were sent from."""
from __future__ import annotations

from config.celery import app
from config.tasking import municipality_task
from tenants.models import Municipality


@municipality_task(name="booking.send_reservation_mail", autoretry_for=(OSError,), retry_backoff=True,
                   max_retries=8)
def send_reservation_mail(reservation_id: int, event: str, key: str) -> bool:
    from booking.services.notifications import reservation_mail_send

    return reservation_mail_send(reservation_id=reservation_id, event=event, key=key)


@municipality_task(name="booking.queue_reminders")
def queue_reminders() -> int:
    from booking.services.notifications import reminders_queue

    return reminders_queue()


@municipality_task(name="booking.extend_slot_horizon")
def extend_slot_horizon() -> int:
    from booking.services.calendars import slots_extend_horizon

    return slots_extend_horizon()


def _for_every_active_city(task) -> int:
    count = 0
    for city in Municipality.objects.cities().filter(status=Municipality.Status.ACTIVE):
        task.apply_async(headers={"_schema_name": city.schema_name})
        count += 1
    return count


@app.task(name="booking.reminders_for_all_cities")
def reminders_for_all_cities() -> int:
    """Beat, hourly: every city queues tomorrow's reminders (receipts keep each mail to one)."""
    return _for_every_active_city(queue_reminders)


@app.task(name="booking.horizon_for_all_cities")
def horizon_for_all_cities() -> int:
    """Beat, nightly: every city opens the slots of the day that entered its horizon."""
    return _for_every_active_city(extend_slot_horizon)
