"""Wiring of the project: settings, URLconfs, the Celery application, WSGI/ASGI.

The Celery application is loaded with Django, so that tasks declared with `shared_task` anywhere
belong to it (and `kernel.tasking` can send them by name).
"""
from .celery import app as celery_app

__all__ = ["celery_app"]
