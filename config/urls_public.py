"""The platform's own domain: landing page, platform console, operator console."""
from django.urls import include, path

from config import views
from config.urls_common import urlpatterns as common
from tenants.views import landing

urlpatterns = [
    path("", landing.landing, name="landing"),
    path("platform/", include("tenants.urls_platform")),
    path("operator/", include("telephony_adapter.urls")),
    path("outbox/", views.outbox, name="outbox"),
    *common,
]

handler400 = "config.views.bad_request"
handler500 = "config.views.server_error"
