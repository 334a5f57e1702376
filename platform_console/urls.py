from django.urls import path

from platform_console import views as platform

app_name = "platform"
urlpatterns = [
    path("", platform.home, name="home"),
    path("onboard/", platform.onboard, name="onboard"),
    path("cities/<slug:slug>/", platform.detail, name="detail"),
    path("cities/<slug:slug>/status/", platform.set_status, name="set_status"),
]
