"""A municipality's domain: the citizen site, the staff console, the municipality's admin."""
from django.urls import include, path

from config.urls_common import urlpatterns as common
from lgwan_access import data_admin

urlpatterns = [
    path("staff/data/", data_admin.site.urls),
    path("staff/", include("lgwan_access.urls")),
    *common,
    path("", include("booking.web.urls")),
]

handler400 = "config.views.bad_request"
handler500 = "config.views.server_error"
