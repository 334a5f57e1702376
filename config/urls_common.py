"""Routes every site has, public or municipal."""
from django.urls import include, path
from django.views.i18n import set_language

from kernel.views import favicon, health
from operations.views import status
from tenants.branding import branding_stylesheet

urlpatterns = [
    path("accounts/", include("tenants.urls_accounts")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("branding.css", branding_stylesheet, name="branding_css"),
    path("healthz", health, name="health"),
    path("favicon.ico", favicon, name="favicon"),
    path("status/", status, name="status"),
]
