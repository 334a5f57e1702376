"""A city switches its waiting room: `python manage.py waiting_room --city chiba --mode on --capacity 150`.

Modes: off; auto (the default: holds citizens back above BOOKING_WAITING_ROOM_THRESHOLD active
citizens); on (at the city's own --capacity, e.g. on the day the notices are mailed).
"""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from booking.models import WaitingRoomMode
from booking.services.waiting_room import room_settings, waiting_room_configure
from tenants.selectors import dangerously_municipality


class Command(BaseCommand):
    help = "Show or set a city's waiting room (off, auto, on with a capacity)."

    def add_arguments(self, parser):
        parser.add_argument("--city", required=True)
        parser.add_argument("--mode", choices=WaitingRoomMode.values)
        parser.add_argument("--capacity", type=int, default=0)

    def handle(self, *args, city, mode=None, capacity=0, **options):
        municipality = dangerously_municipality(city)
        if municipality is None:
            raise CommandError(f"no city {city!r}")
        with tenant_context(municipality):
            if mode:
                waiting_room_configure(mode=mode, capacity=capacity)
            mode, capacity = room_settings(fresh=True)
        self.stdout.write(f"{city}: waiting room {mode}, {capacity} citizens at once")
