from django.urls import path

from tenants.views import platform

app_name = "platform"
urlpatterns = [
    path("", platform.home, name="home"),
    path("onboard/", platform.onboard, name="onboard"),
    path("cities/<slug:slug>/", platform.detail, name="detail"),
    path("cities/<slug:slug>/status/", platform.set_status, name="set_status"),
]
