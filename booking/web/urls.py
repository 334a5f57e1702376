from django.urls import path

from booking.web.views import booking, entry
from booking.web.waiting import admission_control, waiting_room

app_name = "citizen"
urlpatterns = [
    path("", admission_control(entry.home), name="home"),
    path("waiting-room/", waiting_room, name="waiting_room"),
    path("login/", admission_control(entry.log_in), name="login"),
    path("logout/", admission_control(entry.log_out), name="logout"),
    path("session/", admission_control(booking.session_status), name="session_status"),
    path("session/extend/", admission_control(booking.extend_session), name="extend_session"),
    path("booking/", admission_control(booking.status), name="booking"),
    path("booking/places/", admission_control(booking.places), name="places"),
    path("booking/places/<slug:place_code>/", admission_control(booking.month), name="month"),
    path("booking/places/<slug:place_code>/<str:date>/", admission_control(booking.day), name="day"),
    path("booking/slots/<int:slot_id>/", admission_control(booking.confirm), name="confirm"),
    path("booking/cancel/", admission_control(booking.cancel), name="cancel"),
    path("booking/calendar.ics", admission_control(booking.calendar_file), name="calendar_file"),
]
