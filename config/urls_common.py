"""Routes every site has, public or municipal."""
from django.urls import include, path
from django.views.i18n import set_language

from config import views

urlpatterns = [
    path("accounts/", include("tenants.urls_accounts")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("branding.css", views.branding_stylesheet, name="branding_css"),
    path("healthz", views.health, name="health"),
    path("favicon.ico", views.favicon, name="favicon"),
]
