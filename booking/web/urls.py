from django.urls import path

from booking.web.views import booking, entry

app_name = "citizen"
urlpatterns = [
    path("", entry.home, name="home"),
    path("login/", entry.log_in, name="login"),
    path("logout/", entry.log_out, name="logout"),
    path("session/", booking.session_status, name="session_status"),
    path("session/extend/", booking.extend_session, name="extend_session"),
    path("booking/", booking.status, name="booking"),
    path("booking/places/", booking.places, name="places"),
    path("booking/places/<slug:place_code>/", booking.month, name="month"),
    path("booking/places/<slug:place_code>/<str:date>/", booking.day, name="day"),
    path("booking/slots/<int:slot_id>/", booking.confirm, name="confirm"),
    path("booking/cancel/", booking.cancel, name="cancel"),
    path("booking/calendar.ics", booking.calendar_file, name="calendar_file"),
]
