"""Helpers shared by the console's forms."""
from __future__ import annotations

from kernel.errors import ApplicationError


def add_service_errors(form, error: ApplicationError) -> None:
    """Show a service's refusal on the form: each message by its field, the rest on top."""
    placed = False
    for name, messages in error.errors.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, str(message))
            placed = True
    if not placed:
        form.add_error(None, str(error.message))
