"""At most so many staff API requests per user and minute (settings.STAFF_API_RATE); past it, 429."""
from django.conf import settings
from rest_framework.throttling import UserRateThrottle

DEFAULT_RATE = "600/min"


class StaffApiThrottle(UserRateThrottle):
    scope = "staff_api"

    def get_rate(self):
        return getattr(settings, "STAFF_API_RATE", DEFAULT_RATE)
