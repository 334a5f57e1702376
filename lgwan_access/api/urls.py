"""/api/staff/v1/ on each city's domain: the staff API, its OpenAPI schema and its documentation page."""
from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from lgwan_access.api import schema, views

app_name = "staff_api"

router = SimpleRouter()
router.register("notices", views.NoticeViewSet, basename="notice")
router.register("bookings", views.BookingViewSet, basename="booking")

urlpatterns = [
    path("schema/", schema.StaffSchemaView.as_view(), name="schema"),
    path("docs/", schema.StaffDocsView.as_view(), name="docs"),
    path("places/", views.PlaceListView.as_view(), name="places"),
    path("slots/", views.SlotListView.as_view(), name="slots"),
    path("availability/", views.AvailabilityView.as_view(), name="availability"),
    path("imports/notices/", views.NoticeImportView.as_view(), name="notice-import"),
    path("imports/cards/", views.CardImportView.as_view(), name="card-import"),
    path("imports/cards/<int:pk>/", views.CardImportDetailView.as_view(), name="card-import-detail"),
    path("exports/bookings/", views.BookingExportView.as_view(), name="booking-export"),
    *router.urls,
    re_path(r"^[\s\S]*$", views.not_found),  # anything else under the API answers in the API's error shape
]
