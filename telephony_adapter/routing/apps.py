from django.apps import AppConfig


class TelephonyRoutingConfig(AppConfig):
    """The call centre's public-schema tables: dialled numbers, operator presence, the queue, provider events."""

    name = "telephony_adapter.routing"
    label = "telephony_routing"
    verbose_name = "Call routing"

    def ready(self):
        from telephony_adapter.routing.checklist import CHECKS
        from tenants.checklist import checklist_register

        for check in CHECKS:
            checklist_register(**check)
