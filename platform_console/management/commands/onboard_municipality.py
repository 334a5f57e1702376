from django.core.management.base import BaseCommand, CommandError

from platform_console.services.onboarding import OnboardingError, WardSpec, onboard_municipality
from tenants.selectors import municipality_site_url


def _ward(value: str) -> WardSpec:
    parts = [part.strip() for part in value.split(":")]
    if len(parts) < 2:
        raise CommandError(f"--ward {value!r}: write code:ward name[:office name]")
    return WardSpec(code=parts[0], name=parts[1], office_name=parts[2] if len(parts) > 2 else "")


def _display_name(value: str) -> tuple[str, str]:
    language, _, name = value.partition("=")
    if not name:
        raise CommandError(f"--display-name {value!r}: write language=name")
    return language, name


class Command(BaseCommand):
    help = "Onboard a municipality: tenant, domains, settings, wards with their offices and first staff_admin."

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True, help="identifier and schema name, e.g. chiba")
        parser.add_argument("--name", required=True, help="official name in Japanese, e.g. 千葉市")
        parser.add_argument("--domain", action="append", required=True, dest="domains")
        parser.add_argument("--ward", action="append", required=True, dest="wards", type=_ward,
                            help="code:ward name[:office name], repeat for each ward")
        parser.add_argument("--language", action="append", dest="languages", default=[])
        parser.add_argument("--display-name", action="append", dest="display_names", default=[], type=_display_name,
                            help="language=name, e.g. en=Chiba City")
        parser.add_argument("--slot-minutes", type=int, default=30, choices=[60, 30, 20, 15, 10])
        parser.add_argument("--primary-colour", default="#1d4e89")
        parser.add_argument("--accent-colour", default="#c8102e")
        parser.add_argument("--contact-phone", default="")
        parser.add_argument("--call-centre-phone", default="")
        parser.add_argument("--contact-email", default="")
        parser.add_argument("--admin-username", required=True)
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-password", default=None, help="generated and printed once if omitted")

    def handle(self, *args, **options):
        try:
            result = onboard_municipality(
                slug=options["slug"], name=options["name"], domains=options["domains"], wards=options["wards"],
                languages=options["languages"], display_names=dict(options["display_names"]),
                default_slot_minutes=options["slot_minutes"], primary_colour=options["primary_colour"],
                accent_colour=options["accent_colour"], contact_phone=options["contact_phone"],
                call_centre_phone=options["call_centre_phone"], contact_email=options["contact_email"],
                admin_username=options["admin_username"], admin_email=options["admin_email"],
                admin_password=options["admin_password"],
            )
        except OnboardingError as error:
            raise CommandError("\n".join(error.messages())) from error
        city = result.municipality
        self.stdout.write(f"onboarded {city.name} ({city.schema_name}) in {result.seconds:.2f} s")
        self.stdout.write(f"  citizen site:  {municipality_site_url(city)}")
        self.stdout.write(f"  staff console: {municipality_site_url(city, '/staff/')}")
        self.stdout.write(f"  first admin:   {result.admin.username}")
        if result.generated_password:
            self.stdout.write(f"  password:      {result.generated_password}  (shown once)")
