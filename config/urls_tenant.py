"""A municipality's domain: the citizen site, the staff console, the municipality's admin."""
from django.urls import include, path

from config.urls_common import urlpatterns as common

urlpatterns = [
    path("staff/calls/", include("telephony_adapter.staff_urls")),
    path("staff/billing/", include("billing.web.urls_staff")),
    path("staff/", include("lgwan_access.urls")),
    path("api/staff/v1/", include("lgwan_access.api.urls")),
    *common,
    path("", include("booking.web.urls")),
]

handler400 = "kernel.errorpages.bad_request"
handler403 = "kernel.errorpages.permission_denied"
handler404 = "kernel.errorpages.page_not_found"
handler500 = "kernel.errorpages.server_error"
