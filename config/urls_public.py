"""The platform's own domain: landing page, platform console, operator console."""
from django.urls import include, path

from config.urls_common import urlpatterns as common
from kernel.views import outbox
from platform_console import landing

urlpatterns = [
    path("", landing.landing, name="landing"),
    path("platform/billing/", include("billing.web.urls_platform")),
    path("platform/", include("platform_console.urls")),
    path("", include("telephony_adapter.urls")),  # /operator/ and /telephony/
    path("operations/", include("operations.urls")),
    path("outbox/", outbox, name="outbox"),
    *common,
]

handler400 = "kernel.errorpages.bad_request"
handler403 = "kernel.errorpages.permission_denied"
handler404 = "kernel.errorpages.page_not_found"
handler500 = "kernel.errorpages.server_error"
