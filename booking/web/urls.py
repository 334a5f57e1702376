from django.urls import path

from booking.web import views

app_name = "citizen"
urlpatterns = [
    path("", views.home, name="home"),
]
