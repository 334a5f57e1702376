from django.urls import path

from lgwan_access import cards_views, views

app_name = "lgwan_access"
urlpatterns = [
    path("", views.home, name="home"),
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
