"""The Celery application. Every task knows its municipality (tenant-schemas-celery)."""
import os

from celery.schedules import crontab
from django.conf import settings
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = CeleryApp("madoguchi")
app.config_from_object("django.conf:settings", namespace="CELERY")


def network_transport_options() -> dict:
    """Transport options for a broker over the network (Redis; AMQP takes what applies to it)."""
    return {
        # a killed worker's unacknowledged messages come back within a minute, not an hour
        "visibility_timeout": settings.CELERY_VISIBILITY_TIMEOUT_SECONDS,
        "unacked_restore_interval": 5,
        "unacked_restore_throttle": 1,
        # a broker that is gone is noticed in well under a second when publishing (the outbox keeps
        # the message and its relay tries again), not after kombu's default six seconds of retries
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
        "socket_connect_timeout": 3,
        "socket_timeout": 10,
        "confirm_publish": True,  # AMQP: a publish returns once the broker has the message
    }


def _broker_settings() -> dict:
    """Real broker from the environment; otherwise kombu's filesystem transport under var/."""
    if settings.CELERY_BROKER_URL:
        return {"broker_url": settings.CELERY_BROKER_URL, "broker_transport_options": network_transport_options()}
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


settings.CELERY_BEAT_SCHEDULE_FILE.parent.mkdir(parents=True, exist_ok=True)
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
    beat_scheduler="operations.heartbeats:HeartbeatScheduler",  # beat says it is alive (the beat check)
    broker_connection_retry_on_startup=True,
    broker_connection_timeout=3,
    broker_connection_max_retries=None,  # a worker waits for its broker however long it is gone
    worker_cancel_long_running_tasks_on_connection_loss=True,
)
app.conf.beat_schedule = {
    "booking-reminders": {"task": "booking.reminders_for_all_cities", "schedule": crontab(minute=5)},
    "booking-slot-horizon": {"task": "booking.horizon_for_all_cities", "schedule": crontab(hour=1, minute=15)},
    "booking-mail-sweep": {"task": "booking.mail_sweep_for_all_cities", "schedule": 60.0},
    "booking-waiting-tickets": {"task": "booking.waiting_tickets_for_all_cities", "schedule": crontab(minute=35)},
    "booking-login-counters": {"task": "booking.login_counters_for_all_cities", "schedule": crontab(hour=3, minute=40)},
    "booking-no-shows": {"task": "booking.no_shows_for_all_cities", "schedule": crontab(hour=21, minute=30)},
    "booking-personal-data-purge": {"task": "booking.purge_for_all_cities", "schedule": crontab(hour=2, minute=50)},
    "call-centre-answer-rate": {"task": "telephony_adapter.answer_rate_for_all_cities",
                                "schedule": crontab(minute="*/10")},
    "call-centre-purge-routing": {"task": "telephony_adapter.purge_routing", "schedule": crontab(hour=4, minute=10)},
    "tenants-login-throttle-purge": {"task": "tenants.login_throttle_purge", "schedule": crontab(hour=3, minute=45)},
    "platform-city-summaries": {"task": "platform_console.refresh_city_summaries", "schedule": crontab(minute="*/5")},
    "billing-usage": {"task": "billing.record_usage_for_all_cities", "schedule": crontab(minute="*/10")},
    "billing-completion-reports": {"task": "billing.draft_reports_for_all_cities",
                                   "schedule": crontab(day_of_month=1, hour=5, minute=0)},
    "billing-statements": {"task": "billing.draft_statements_for_all_cities",
                           "schedule": crontab(day_of_month=1, hour=6, minute=0)},
}
app.autodiscover_tasks()
