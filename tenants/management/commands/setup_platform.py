from django.core.management import call_command
from django.core.management.base import BaseCommand

from tenants.services.provisioning import platform_ensure, tenant_template_ensure


class Command(BaseCommand):
    help = "Migrate the public schema and every municipality, and make sure the platform rows and the template exist."

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=max(verbosity - 1, 0))
        platform_ensure()
        tenant_template_ensure()
        call_command("migrate_schemas", tenant=True, interactive=False, verbosity=max(verbosity - 1, 0))
        if verbosity:
            self.stdout.write("platform ready: public schema, template schema and every municipality migrated")
