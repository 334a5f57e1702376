"""A municipality's domain: the citizen site, the staff console, the municipality's admin."""
from django.urls import include, path

from config.urls_common import urlpatterns as common

urlpatterns = [
    path("staff/", include("lgwan_access.urls")),
    *common,
    path("", include("booking.web.urls")),
]
