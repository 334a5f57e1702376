"""Tasks of the platform side. They run inside the municipality they concern."""
from __future__ import annotations

from kernel.tasking import municipality_task
from platform_console.services.onboarding import SEND_STAFF_WELCOME
from platform_console.services.welcome import staff_welcome_send


@municipality_task(name=SEND_STAFF_WELCOME, autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=30,
                   max_retries=5)
def send_staff_welcome(user_id: int) -> bool:
    return staff_welcome_send(user_id=user_id)
