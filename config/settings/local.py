"""Settings of `make run`: the demo on one machine."""
from .base import *  # noqa: F401,F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
MADOGUCHI_SHOW_OUTBOX = env.bool("MADOGUCHI_SHOW_OUTBOX", default=True)
