"""Two relays at once, each on its own connection: no row is sent by both (committed rows, cleaned up)."""
from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from kernel.outbox.models import OutboxMessage
from kernel.outbox.relay import outbox_relay


@pytest.mark.slow
def test_two_relays_never_send_the_same_row(django_db_setup, django_db_blocker):
    """One relay holds its claimed rows; a second one running meanwhile skips them (SKIP LOCKED)."""
    with django_db_blocker.unblock():
        rows = [OutboxMessage.objects.create(schema_name="alpha", task_name="booking.queue_reminders")
                for _ in range(4)]
        ids = [row.pk for row in rows]
        claimed, second = threading.Event(), {}
        release = threading.Event()

        def first_relay():
            with transaction.atomic():
                list(OutboxMessage.objects.select_for_update().filter(pk__in=ids[:2]))
                claimed.set()
                release.wait(10)
            connection.close()

        def second_relay():
            claimed.wait(10)
            second["report"] = outbox_relay(ids=ids)
            release.set()
            connection.close()

        threads = [threading.Thread(target=first_relay), threading.Thread(target=second_relay)]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(20)
            assert second["report"].claimed == 2 and sorted(second["report"].sent_ids) == ids[2:]
        finally:
            OutboxMessage.objects.filter(pk__in=ids).delete()
