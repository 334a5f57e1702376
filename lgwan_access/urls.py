from django.urls import path

from lgwan_access import views

app_name = "lgwan_access"
urlpatterns = [
    path("", views.home, name="home"),
    path("checklist/", views.checklist, name="checklist"),
]
