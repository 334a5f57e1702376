"""Settings of the test suite: the same parts as production, quicker where it is safe."""
from .base import *  # noqa: F401,F403
from .base import BASE_DIR, VAR_DIR, env

DEBUG = False
EMAIL_BACKEND = env.str("MADOGUCHI_TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MADOGUCHI_TEST_ARTIFACTS = BASE_DIR / "test-artifacts"
# Tests never share a queue with a worker of `make run` on the same machine.
CELERY_BROKER_FOLDER = VAR_DIR / "test-broker"
CELERY_TASK_DEFAULT_QUEUE = "madoguchi-test"
# Tests change cities' settings between requests: no host cache (its own test turns it on).
MADOGUCHI_HOST_CACHE_SECONDS = 0
MADOGUCHI_PLACES_CACHE_SECONDS = 0
# Tests change slots behind the services' back: no cached free seats (their own tests use one).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
OPERATIONS_STATUS_SNAPSHOT = VAR_DIR / "test-status" / "snapshot.json"
OPERATIONS_TELEPHONY_MODULE = "tests.operations.fake_carrier"
