"""The Celery application. Every task knows its municipality (tenant-schemas-celery)."""
import os

from celery.schedules import crontab
from django.conf import settings
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = CeleryApp("madoguchi")
app.config_from_object("django.conf:settings", namespace="CELERY")


def _broker_settings() -> dict:
    """Real broker from the environment; otherwise kombu's filesystem transport under var/."""
    if settings.CELERY_BROKER_URL:
        return {"broker_url": settings.CELERY_BROKER_URL}
    folder = settings.CELERY_BROKER_FOLDER
    for sub in ("queue", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        "broker_url": "filesystem://",
        "broker_transport_options": {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "store_processed": False,
            "control_folder": str(folder / "control"),
        },
    }


app.conf.update(
    **_broker_settings(),
    task_ignore_result=True,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_serializer="json",
    accept_content=["json"],
    timezone="Asia/Tokyo",
    beat_schedule_filename=str(settings.CELERY_BEAT_SCHEDULE_FILE),
    broker_connection_retry_on_startup=True,
)
app.conf.beat_schedule = {
    "booking-reminders": {"task": "booking.reminders_for_all_cities", "schedule": crontab(minute=5)},
    "booking-slot-horizon": {"task": "booking.horizon_for_all_cities", "schedule": crontab(hour=1, minute=15)},
    "booking-login-counters": {"task": "booking.login_counters_for_all_cities", "schedule": crontab(hour=3, minute=40)},
    "booking-no-shows": {"task": "booking.no_shows_for_all_cities", "schedule": crontab(hour=21, minute=30)},
    "booking-personal-data-purge": {"task": "booking.purge_for_all_cities", "schedule": crontab(hour=2, minute=50)},
    "call-centre-answer-rate": {"task": "telephony_adapter.answer_rate_for_all_cities",
                                "schedule": crontab(minute="*/10")},
    "call-centre-purge-routing": {"task": "telephony_adapter.purge_routing", "schedule": crontab(hour=4, minute=10)},
}
app.autodiscover_tasks()
