from django.apps import AppConfig


class NetworkConfig(AppConfig):
    """The staff surface's tables in the public schema: staff API tokens (hashed, per user and city)."""

    name = "lgwan_access.network"
    label = "lgwan_network"
    verbose_name = "LGWAN access (public)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from lgwan_access.network.checklist import CHECKS
        from tenants.checklist import checklist_register

        for check in CHECKS:
            checklist_register(**check)
