from django.urls import path

from telephony_adapter import views

app_name = "operator_console"
urlpatterns = [
    path("", views.home, name="home"),
]
