"""An operator sends parked outbox messages again: `python manage.py outbox_requeue [ID ...]` (none: all)."""
from __future__ import annotations

from django.core.management.base import BaseCommand

from kernel.outbox.relay import outbox_requeue


class Command(BaseCommand):
    help = "Make parked outbox messages pending again (all of them, or the ids given)."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int)

    def handle(self, *args, ids=None, **options):
        count = outbox_requeue(ids=ids or None)
        self.stdout.write(f"{count} parked message(s) pending again")
