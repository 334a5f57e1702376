from django.urls import path

from platform_console import city_views as city
from platform_console import views as platform

app_name = "platform"
urlpatterns = [
    path("", platform.home, name="home"),
    path("onboard/", platform.onboard, name="onboard"),
    path("cities/<slug:slug>/", city.detail, name="detail"),
    path("cities/<slug:slug>/status/", platform.set_status, name="set_status"),
    path("cities/<slug:slug>/settings/", city.update_settings, name="settings"),
    path("cities/<slug:slug>/branding/", city.update_branding, name="branding"),
    path("cities/<slug:slug>/preview/", city.preview, name="preview"),
    path("cities/<slug:slug>/preview.css", city.preview_css, name="preview_css"),
    path("cities/<slug:slug>/domains/", city.add_domain, name="add_domain"),
    path("cities/<slug:slug>/domains/<int:domain_id>/", city.change_domain, name="change_domain"),
    path("cities/<slug:slug>/lgwan/", city.update_lgwan, name="lgwan"),
    path("cities/<slug:slug>/toll-free/", city.add_toll_free, name="add_toll_free"),
    path("cities/<slug:slug>/toll-free/<str:number>/remove/", city.remove_toll_free, name="remove_toll_free"),
    path("cities/<slug:slug>/call-hours/", city.update_call_hours, name="call_hours"),
    path("cities/<slug:slug>/escalation/", city.update_escalation, name="escalation"),
    path("cities/<slug:slug>/operators/", city.grant_operator, name="grant_operator"),
    path("cities/<slug:slug>/staff-admin/", city.restore_staff_admin, name="restore_staff_admin"),
    path("cities/<slug:slug>/refresh/", city.refresh_summary, name="refresh"),
]
