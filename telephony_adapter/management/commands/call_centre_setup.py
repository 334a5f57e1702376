"""python manage.py call_centre_setup --city chiba --number 0120-000-000 --operator demo-operator"""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from telephony_adapter.services.setup import call_centre_setup
from tenants.selectors import dangerously_municipality, dangerously_user_by_username


class Command(BaseCommand):
    help = "Route a toll-free number to a city and get its call centre ready. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--city", required=True, help="the city's identifier (schema), e.g. chiba")
        parser.add_argument("--number", required=True, help="the toll-free number, e.g. 0120-000-000")
        parser.add_argument("--operator", action="append", default=[], help="user name of an operator (repeat)")

    def handle(self, *args, **options):
        city = dangerously_municipality(options["city"])
        if city is None:
            raise CommandError(f"no city {options['city']!r}")
        operators = []
        for username in options["operator"]:
            user = dangerously_user_by_username(username)
            if user is None:
                raise CommandError(f"no user {username!r}")
            operators.append(user)
        with tenant_context(city):
            try:
                call_centre_setup(municipality=city, number=options["number"], operators=operators)
            except ValueError as error:
                raise CommandError(str(error)) from error
        self.stdout.write(f"{options['number']} → {city.name} ({city.schema_name}); "
                          f"operators: {', '.join(options['operator']) or '—'}")
