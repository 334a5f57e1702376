"""Many web processes admit at once: the room never lets in more than its capacity, and in order."""
from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from booking.models import WaitingTicket
from booking.services.waiting_room import waiting_room_advance
from tenants.models import Municipality
from tests.races import race

pytestmark = pytest.mark.slow


def test_concurrent_admissions_never_exceed_the_capacity(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        city = Municipality.objects.get(schema_name="beta")
        with tenant_context(city):
            now = timezone.now()
            WaitingTicket.objects.bulk_create([WaitingTicket(key=f"race{n:04d}", created_at=now, polled_at=now)
                                               for n in range(40)])
            ids = sorted(WaitingTicket.objects.filter(key__startswith="race").values_list("id", flat=True))

        def web_process():
            return [waiting_room_advance(capacity=10, now=now) for _ in range(3)]

        try:
            admitted = [count for outcome in race([web_process] * 8, city=city, timeout=30) for count in outcome]
            with tenant_context(city):
                let_in = sorted(WaitingTicket.objects.filter(key__startswith="race", admitted_at__isnull=False)
                                .values_list("id", flat=True))
            assert sum(admitted) == 10 and let_in == ids[:10]
        finally:
            with tenant_context(city):
                WaitingTicket.objects.filter(key__startswith="race").delete()
            connection.set_schema_to_public()


def test_newcomers_arriving_at_once_are_let_in_up_to_the_capacity_in_order(django_db_setup, django_db_blocker):
    """Each newcomer takes its ticket and is let in within one round trip: 40 at once through 8 web
    processes, a room for 10: exactly the 10 first tickets are in, the other 30 wait in line."""
    from booking.services.waiting_room import _config_cache, _line_cache, waiting_room_configure, waiting_room_pass

    with django_db_blocker.unblock():
        city = Municipality.objects.get(schema_name="beta")
        with tenant_context(city):
            waiting_room_configure(mode="on", capacity=10)
            before = set(WaitingTicket.objects.values_list("id", flat=True))

        def web_process():
            admissions = [waiting_room_pass(ticket=None, in_flow=False, entering=True) for _ in range(5)]
            return [(admission.ticket.id, admission.admitted) for admission in admissions]

        try:
            outcomes = [pair for outcome in race([web_process] * 8, city=city, timeout=30) for pair in outcome]
            with tenant_context(city):
                new = WaitingTicket.objects.exclude(id__in=before)
                let_in = sorted(new.filter(admitted_at__isnull=False).values_list("id", flat=True))
                every = sorted(new.values_list("id", flat=True))
            assert len(outcomes) == 40 and len(every) == 40
            assert let_in == every[:10]  # in order of arrival, never more than the room holds
            assert sorted(ticket for ticket, admitted in outcomes if admitted) == let_in
        finally:
            with tenant_context(city):
                WaitingTicket.objects.exclude(id__in=before).delete()
                waiting_room_configure(mode="auto")
            _config_cache.clear()
            _line_cache.clear()
            connection.set_schema_to_public()
