"""At most so many staff API requests per user, city and minute (settings.STAFF_API_RATE); past it, 429.

Users are the platform's, so the count is kept per city: one clerk working for two cities has a
budget in each, and traffic in one never refuses them in the other."""
from django.conf import settings
from rest_framework.throttling import UserRateThrottle

DEFAULT_RATE = "600/min"


class StaffApiThrottle(UserRateThrottle):
    scope = "staff_api"

    def get_rate(self):
        return getattr(settings, "STAFF_API_RATE", DEFAULT_RATE)

    def get_cache_key(self, request, view):
        key = super().get_cache_key(request, view)
        schema = getattr(getattr(request, "tenant", None), "schema_name", "")
        return f"{key}:{schema}" if key else None
