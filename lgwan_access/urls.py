from django.urls import path

from lgwan_access import (
    api_tokens_views,
    audit_views,
    bulk_notices_views,
    calendars_views,
    cards_views,
    checklist_views,
    counter_views,
    lists_views,
    networks_views,
    notices_views,
    second_factor_views,
    settings_views,
    today_views,
    users_views,
)

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

# --- card counter (issue 10): scan field, check-in, storage, pull list, handover, deadlines, imports ---
urlpatterns += [
    path("scan/", cards_views.scan, name="scan"),
    path("cards/check-in/", cards_views.check_in, name="cards_check_in"),
    path("cards/boxes/", cards_views.boxes, name="cards_boxes"),
    path("cards/boxes/<str:code>/", cards_views.box, name="cards_box"),
    path("cards/card/<str:serial>/", cards_views.card, name="cards_card"),
    path("pull-list/", cards_views.pull_list_page, name="pull_list"),
    path("pull-list/pdf/", cards_views.pull_list_pdf_download, name="pull_list_pdf"),
    path("pull-list/<str:action>/", cards_views.pull_list_action, name="pull_list_action"),
    path("handover/", cards_views.handover, name="handover"),
    path("cards/no-shows/", cards_views.no_shows_page, name="no_shows"),
    path("cards/deadlines/", cards_views.deadlines, name="deadlines"),
    path("cards/progress/", cards_views.progress, name="cards_progress"),
    path("cards/imports/", cards_views.imports, name="cards_imports"),
    path("cards/imports/<int:pk>/", cards_views.import_detail, name="cards_import"),
    path("cards/imports/mapping/", cards_views.import_mapping, name="cards_import_mapping"),
]

# --- counter bookings, bulk notices, lists and exports (OPS-6, OPS-7, DATA-1) ---------------------
urlpatterns += [
    path("counter/", counter_views.counter, name="counter"),
    path("counter/book/", counter_views.counter_book, name="counter_book"),
    path("counter/cancel/", counter_views.counter_cancel, name="counter_cancel"),
    path("notices/upload/", bulk_notices_views.bulk_notices, name="bulk_notices"),
    path("notices/upload/confirm/", bulk_notices_views.bulk_notices_confirm, name="bulk_notices_confirm"),
    path("lists/", lists_views.lists, name="lists"),
    path("lists/bookings.csv", lists_views.lists_export, name="lists_export"),
    path("lists/appointment-sheet.pdf", lists_views.lists_sheet, name="lists_sheet"),
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
    path("checklist/", checklist_views.checklist, name="checklist"),
]

# --- API tokens (the staff API's per-user tokens) ---
urlpatterns += [
    path("api-tokens/", api_tokens_views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:token_id>/revoke/", api_tokens_views.api_token_revoke_view, name="api_token_revoke"),
]
