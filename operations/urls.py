from django.urls import path

from operations import views

app_name = "operations"
urlpatterns = [
    path("", views.console, name="console"),
    path("incidents/<int:pk>/", views.incident, name="incident"),
    path("incidents/<int:pk>/<slug:action>/", views.incident_action, name="incident_action"),
    path("ack/<str:token>/", views.acknowledge, name="acknowledge"),
    path("ack/<str:token>/phone/", views.phone_acknowledge, name="phone_acknowledge"),
]
