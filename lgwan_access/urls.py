from django.urls import path

from lgwan_access import audit_views, calendars_views, notices_views, settings_views, today_views

app_name = "lgwan_access"
urlpatterns = [
    # --- Today (CONSOLE-A) ---------------------------------------------------------------------
    path("", today_views.home, name="home"),
    # --- Calendars (CONSOLE-A) -----------------------------------------------------------------
    path("calendars/", calendars_views.calendars_page, name="calendars"),
    path("calendars/<int:place_id>/", calendars_views.calendar_place, name="calendar"),
    path("calendars/<int:place_id>/change/", calendars_views.calendar_change, name="calendar_change"),
    # --- Notices (CONSOLE-A) -------------------------------------------------------------------
    path("notices/", notices_views.notice_list, name="notices"),
    path("notices/<int:notice_id>/", notices_views.notice_page, name="notice"),
    path("notices/<int:notice_id>/unlock/", notices_views.notice_unlock_view, name="notice_unlock"),
    path("notices/<int:notice_id>/status/", notices_views.notice_transition_view, name="notice_transition"),
    # --- Settings (CONSOLE-A) ------------------------------------------------------------------
    path("settings/", settings_views.city_settings, name="settings"),
    # --- Audit (CONSOLE-A) ---------------------------------------------------------------------
    path("audit/", audit_views.access_entries_page, name="audit"),
]
