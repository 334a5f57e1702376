"""The call centre's pages in a city's staff console (mounted at /staff/calls/)."""
from django.urls import path

from telephony_adapter import staff_views

app_name = "telephony_staff"
urlpatterns = [
    path("complaints/", staff_views.complaints, name="complaints"),
    path("complaints/<int:pk>/", staff_views.complaint_status, name="complaint_status"),
    path("referrals/", staff_views.referrals, name="referrals"),
    path("referrals/add/", staff_views.referral_add, name="referral_add"),
    path("referrals/<int:pk>/", staff_views.referral_edit, name="referral_edit"),
]
