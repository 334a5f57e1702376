"""Settings of `make run`: the demo on one machine."""
from .base import *  # noqa: F401,F403
from .base import env

# `make run` serves the product as users see it: DEBUG only with MADOGUCHI_DEBUG=1.
DEBUG = env.bool("MADOGUCHI_DEBUG", default=False)
MADOGUCHI_SHOW_OUTBOX = env.bool("MADOGUCHI_SHOW_OUTBOX", default=True)
# The monitor tries the citizen site through the server `make run` starts.
OPERATIONS_PROBE_BASE_URL = env.str("OPERATIONS_PROBE_BASE_URL",
                                    default=f"http://127.0.0.1:{env.str('MADOGUCHI_SITE_PORT', default='8000')}")
