"""madoguchi's Django wiring. The Celery app lives in config.celery (celery -A config.celery)."""
