from django.urls import path

from billing.web import staff_views as views

app_name = "billing_staff"
urlpatterns = [
    path("", views.statements, name="statements"),
    path("statements/<int:pk>.<str:kind>", views.statement_download, name="statement_download"),
    path("reports/<int:pk>.<str:kind>", views.report_download, name="report_download"),
]
