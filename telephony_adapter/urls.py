from django.urls import path

from telephony_adapter import views, webhooks

app_name = "telephony_adapter"
urlpatterns = [
    # the operator console
    path("operator/", views.home, name="home"),
    path("operator/presence/", views.presence, name="presence"),
    path("operator/call/answer/", views.answer, name="answer"),
    path("operator/call/finish/", views.finish, name="finish"),
    path("operator/statistics/", views.statistics, name="statistics"),
    path("operator/wallboard/", views.wallboard, name="wallboard"),
    path("operator/wallboard.json", views.wallboard_json, name="wallboard_json"),
    path("operator/staffing/", views.staffing, name="staffing"),
    path("operator/city/<slug:slug>/", views.city_desk, name="city"),
    path("operator/city/<slug:slug>/book/", views.book, name="book"),
    path("operator/city/<slug:slug>/cancel/", views.cancel, name="cancel"),
    path("operator/city/<slug:slug>/unlock/", views.unlock, name="unlock"),
    path("operator/city/<slug:slug>/escalate/", views.escalate, name="escalate"),
    path("operator/city/<slug:slug>/refer/", views.refer, name="refer"),
    path("operator/city/<slug:slug>/complaints/", views.complaints, name="complaints"),
    path("operator/city/<slug:slug>/complaints/<int:pk>/", views.complaint_status, name="complaint_status"),
    path("operator/city/<slug:slug>/callbacks/", views.callbacks, name="callbacks"),
    path("operator/city/<slug:slug>/referrals/", views.referrals, name="referrals"),
    path("operator/city/<slug:slug>/settings/", views.city_settings, name="settings"),
    path("operator/city/<slug:slug>/report/<int:year>-<int:month>.<str:fmt>", views.report, name="report"),
    # provider webhooks (the call finds its city from the dialled number)
    path("telephony/twilio/voice/", webhooks.twilio_voice, name="twilio_voice"),
    path("telephony/twilio/gather/", webhooks.twilio_gather, name="twilio_gather"),
    path("telephony/twilio/wait/", webhooks.twilio_wait, name="twilio_wait"),
    path("telephony/twilio/dial/", webhooks.twilio_dial, name="twilio_dial"),
    path("telephony/twilio/operator/", webhooks.twilio_operator, name="twilio_operator"),
    path("telephony/twilio/status/", webhooks.twilio_status, name="twilio_status"),
    path("telephony/connect/", webhooks.connect_flow, name="connect_flow"),
]
