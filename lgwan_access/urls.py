from django.urls import path

from lgwan_access import networks_views, second_factor_views, users_views, views

app_name = "lgwan_access"
urlpatterns = [
    path("", views.home, name="home"),
]

# --- access: second factor, staff users ------------------------------------------------------
urlpatterns += [
    path("second-factor/", second_factor_views.verify, name="second_factor"),
    path("second-factor/enrol/", second_factor_views.enrol, name="second_factor_enrol"),
    path("second-factor/backup-codes/", second_factor_views.backup_codes, name="second_factor_backup_codes"),
    path("users/", users_views.users, name="users"),
    path("users/<int:membership_id>/role/", users_views.user_role, name="user_role"),
    path("users/<int:membership_id>/remove/", users_views.user_remove, name="user_remove"),
    path("users/<int:membership_id>/second-factor-reset/", users_views.user_second_factor_reset,
         name="user_second_factor_reset"),
    path("networks/", networks_views.networks, name="networks"),
]
