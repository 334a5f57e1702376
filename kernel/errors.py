"""The family of errors users see. Each carries a translated message and maps to an HTTP 4xx."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """A request that cannot be done as asked; nothing was written."""

    status_code = 400
    default_message = _("The request could not be completed.")

    def __init__(self, message=None, *, field: str | None = None, errors: dict | None = None):
        self.message = message or self.default_message
        self.field = field
        self.errors: dict[str, list] = dict(errors or {})
        if field and not self.errors:
            self.errors[field] = [self.message]
        super().__init__(str(self.message))

    def messages(self) -> list[str]:
        found = [str(message) for messages in self.errors.values() for message in messages]
        return found or [str(self.message)]


class NotFoundError(ApplicationError):
    status_code = 404
    default_message = _("Not found.")


class AccessDeniedError(ApplicationError):
    status_code = 403
    default_message = _("You do not have access to this page.")


class ConflictError(ApplicationError):
    status_code = 409
    default_message = _("This was changed by someone else in the meantime. Please try again.")
