from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "booking"
    verbose_name = "Card pickup booking"

    def ready(self):
        from booking.selectors.checklist import CHECKS
        from tenants.checklist import checklist_register

        for check in CHECKS:
            checklist_register(**check)
