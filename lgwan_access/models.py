"""Tenant tables of the staff surface: the record of who looked at what (SEC-9)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffAccessEntry(models.Model):
    """One view of personal data or one export by a staff user: who, when, what, from where."""

    class Action(models.TextChoices):
        VIEW_NOTICE = "view_notice", _("Viewed a notice")
        EXPORT = "export", _("Exported a list")
        PRINT = "print", _("Printed a list")
        API_READ = "api_read", _("Read through the staff API")
        REFUSED_NETWORK = "refused_network", _("Refused: outside the LGWAN address ranges")
        REFUSED_ROLE = "refused_role", _("Refused: no staff role in this city")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                             related_name="+")
    user_label = models.CharField(max_length=150)
    action = models.CharField(max_length=16, choices=Action.choices)
    target = models.CharField(_("what"), max_length=200)
    details = models.JSONField(default=dict, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("staff access entry")
        verbose_name_plural = _("staff access entries")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.user_label} {self.action} {self.target}"
