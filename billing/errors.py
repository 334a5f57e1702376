"""Errors of billing that users see (translated; nothing was written)."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kernel.errors import ApplicationError, ConflictError


class BillingError(ApplicationError):
    pass


class NoPlanError(BillingError):
    default_message = _("This city has no plan in force for that month.")


class FrozenError(ConflictError):
    default_message = _("This document is issued and frozen: correct it with a credit note.")
