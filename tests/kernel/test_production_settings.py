"""Production settings refuse to start without what several web nodes must share."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"DJANGO_SETTINGS_MODULE": "config.settings.production", "DJANGO_SECRET_KEY": "x" * 50,
              "DJANGO_ALLOWED_HOSTS": "chiba.example.org", "DATABASE_URL": "postgres://u@db.invalid/madoguchi"}


def settings_of(extra: dict) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "MADOGUCHI_CACHE_URL"}
    environment.update(PRODUCTION, **extra)
    return subprocess.run([sys.executable, "-c", "import django; django.setup(); from django.conf import settings;"
                           "print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE)"],
                          cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60)


def test_production_needs_a_shared_cache_and_uses_redis_for_seats_and_sessions():
    refused = settings_of({})
    assert refused.returncode != 0 and "MADOGUCHI_CACHE_URL" in refused.stderr
    started = settings_of({"MADOGUCHI_CACHE_URL": "redis://cache.invalid:6379/0"})
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["django.core.cache.backends.redis.RedisCache",
                                      "kernel.sessions"]
