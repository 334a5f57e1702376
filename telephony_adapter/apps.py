from django.apps import AppConfig


class TelephonyAdapterConfig(AppConfig):
    name = "telephony_adapter"
    verbose_name = "Call centre"
