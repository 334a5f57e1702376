"""Settings of `make run`: the demo on one machine."""
from .base import *  # noqa: F401,F403
from .base import env

# `make run` serves the product as users see it: DEBUG only with MADOGUCHI_DEBUG=1.
DEBUG = env.bool("MADOGUCHI_DEBUG", default=False)
MADOGUCHI_SHOW_OUTBOX = env.bool("MADOGUCHI_SHOW_OUTBOX", default=True)
