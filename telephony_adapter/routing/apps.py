from django.apps import AppConfig


class TelephonyRoutingConfig(AppConfig):
    """The call centre's public-schema tables: dialled numbers, operator presence, the queue, provider events."""

    name = "telephony_adapter.routing"
    label = "telephony_routing"
    verbose_name = "Call routing"
