"""Brute-force protection of the citizen login (WEB-11).

Failures are counted per notice number as typed (normalised), whether or not such a notice
exists, so that locking tells an attacker nothing about which numbers are real. Every lock and
unlock is logged with its source.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeLoginGuard(models.Model):
    number = models.CharField(max_length=32, unique=True)
    failures = models.PositiveSmallIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.number


class ClientLoginGuard(models.Model):
    """Failed logins from one client address (kept as a keyed hash) in the current window."""

    address_key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()


class LoginLockEvent(models.Model):
    class Event(models.TextChoices):
        LOCKED = "locked", _("Locked")
        UNLOCKED = "unlocked", _("Unlocked")
        CLIENT_REFUSED = "client_refused", _("Client refused")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    event = models.CharField(max_length=16, choices=Event.choices)
    number = models.CharField(max_length=32, blank=True)
    source_address = models.GenericIPAddressField(null=True, blank=True)
    actor_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-created_at"]
