from django.urls import path

from billing.web import platform_views as views

app_name = "billing"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("cities/<slug:slug>/", views.city, name="city"),
    path("cities/<slug:slug>/plan/", views.plan, name="plan"),
    path("cities/<slug:slug>/draft/", views.draft, name="draft"),
    path("cities/<slug:slug>/report/", views.report_generate, name="report_generate"),
    path("statements/<int:pk>/", views.statement, name="statement"),
    path("statements/<int:pk>/issue/", views.issue, name="issue"),
    path("statements/<int:pk>/credit-note/", views.credit_note, name="credit_note"),
    path("statements/<int:pk>.<str:kind>", views.statement_download, name="statement_download"),
    path("reports/<int:pk>/", views.report, name="report"),
    path("reports/<int:pk>/issue/", views.report_publish, name="report_issue"),
    path("reports/<int:pk>.<str:kind>", views.report_download, name="report_download"),
]
