from django.urls import path

from lgwan_access import second_factor_views, views

app_name = "lgwan_access"
urlpatterns = [
    path("", views.home, name="home"),
]

# --- access: second factor, staff users ------------------------------------------------------
urlpatterns += [
    path("second-factor/", second_factor_views.verify, name="second_factor"),
    path("second-factor/enrol/", second_factor_views.enrol, name="second_factor_enrol"),
    path("second-factor/backup-codes/", second_factor_views.backup_codes, name="second_factor_backup_codes"),
]
