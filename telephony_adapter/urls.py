from django.urls import path

from telephony_adapter import views

app_name = "telephony_adapter"
urlpatterns = [
    path("", views.home, name="home"),
]
