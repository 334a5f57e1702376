"""Production settings: everything comes from the environment, nothing has a local default."""
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import MADOGUCHI_CACHE_URL, env

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
MADOGUCHI_SHOW_OUTBOX = False
MADOGUCHI_SITE_SCHEME = "https"
MADOGUCHI_SITE_PORT = env.str("MADOGUCHI_SITE_PORT", default="")
# Several web nodes share free seats, fragments and sessions only through one cache: Redis (base
# settings, from MADOGUCHI_CACHE_URL), never the per-machine files of `make run`.
if not MADOGUCHI_CACHE_URL:
    raise ImproperlyConfigured("Set the MADOGUCHI_CACHE_URL environment variable (Redis, shared by every web node)")
