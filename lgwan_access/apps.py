from django.apps import AppConfig


class LgwanAccessConfig(AppConfig):
    name = "lgwan_access"
    verbose_name = "Municipal staff access over LGWAN"
