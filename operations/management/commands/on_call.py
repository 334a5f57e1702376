"""Who is called about incidents: `python manage.py on_call` shows the policies;

    python manage.py on_call --scope '' --repeat 5 \\
        --contact '運用当番,oncall@example.jp,+81-3-0000-0000,ja,0' \\
        --contact '運用責任者,lead@example.jp,+81-3-0000-0001,ja,10'
    python manage.py on_call --scope chiba --repeat 10 --contact '...'
    python manage.py on_call --demo     the demo's policies, when none is set yet

A contact is NAME,EMAIL,PHONE,LANGUAGE,AFTER_MINUTES (leave EMAIL or PHONE empty to skip that
channel); the scope is '' for the platform or a city's identifier.
"""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from operations.models import EscalationPolicy
from operations.services.escalation import policy_set
from tenants.selectors import dangerously_municipality

DEMO = {
    "": [{"name": "運用当番 (platform on call)", "email": "oncall@madoguchi.localhost", "phone": "+81-3-0000-0000",
          "language": "ja"},
         {"name": "運用責任者 (platform lead)", "email": "lead@madoguchi.localhost", "phone": "+81-3-0000-0001",
          "language": "en", "after_minutes": 10}],
    "chiba": [{"name": "千葉市 市民総合窓口課", "email": "madoguchi@chiba.localhost", "phone": "+81-43-000-0000",
               "language": "ja"}],
}


def parse_contact(text: str) -> dict:
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != 5 or not parts[0]:
        raise CommandError(f"a contact is NAME,EMAIL,PHONE,LANGUAGE,AFTER_MINUTES: {text!r}")
    name, email, phone, language, after = parts
    return {"name": name, "email": email, "phone": phone, "language": language or "ja",
            "by_mail": bool(email), "by_phone": bool(phone), "after_minutes": int(after or 0)}


class Command(BaseCommand):
    help = "Show or set the escalation policies (who is called, how, how often)."

    def add_arguments(self, parser):
        parser.add_argument("--scope")
        parser.add_argument("--repeat", type=int, default=5, help="minutes between rounds")
        parser.add_argument("--contact", action="append", default=[])
        parser.add_argument("--no-platform-incidents", action="store_true",
                            help="a city policy that hears only of its own incidents")
        parser.add_argument("--demo", action="store_true")

    def handle(self, *args, scope=None, repeat=5, contact=(), no_platform_incidents=False, demo=False, **options):
        if demo:
            for demo_scope, contacts in DEMO.items():
                if EscalationPolicy.objects.filter(scope=demo_scope).exists():
                    continue
                if demo_scope and dangerously_municipality(demo_scope) is None:
                    continue
                policy_set(scope=demo_scope, repeat_minutes=5, contacts=contacts)
        elif scope is not None:
            if scope and dangerously_municipality(scope) is None:
                raise CommandError(f"no city {scope!r}")
            if not contact:
                raise CommandError("give at least one --contact")
            policy_set(scope=scope, repeat_minutes=repeat, contacts=[parse_contact(text) for text in contact],
                       include_platform_incidents=not no_platform_incidents)
        for policy in EscalationPolicy.objects.prefetch_related("contacts").order_by("scope"):
            self.stdout.write(f"{policy.scope or 'platform'}: every {policy.repeat_minutes} min until acknowledged")
            for person in policy.contacts.all():
                self.stdout.write(f"  {person.position}. {person.name} mail={person.email or '-'} "
                                  f"phone={person.phone or '-'} {person.language} +{person.after_minutes} min")
