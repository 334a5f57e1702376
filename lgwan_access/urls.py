from django.urls import path

from lgwan_access import bulk_notices_views, counter_views, lists_views, views

app_name = "lgwan_access"
urlpatterns = [
    path("", views.home, name="home"),
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
