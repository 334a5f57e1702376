"""Brute-force protection of the citizen login (WEB-11).

Failures are counted per notice number as typed (normalised), whether or not such a notice
exists, so that locking tells an attacker nothing about which numbers are real. Every lock and
unlock is logged with its source.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from booking.notice_numbers import MAX_LENGTH


class NoticeLoginGuard(models.Model):
    """Failed logins for one normalised notice number; `locked_at` is set when it locks."""

    number = models.CharField(max_length=MAX_LENGTH, unique=True)
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
    last_attempt_at = models.DateTimeField(null=True, blank=True)


class LoginFailureMinute(models.Model):
    """Failed logins of the whole city in one minute, across all clients (a spray shows here)."""

    minute = models.DateTimeField(unique=True)
    failures = models.PositiveIntegerField(default=0)


class LoginLockEvent(models.Model):
    class Event(models.TextChoices):
        LOCKED = "locked", _("Locked")
        UNLOCKED = "unlocked", _("Unlocked")
        CLIENT_REFUSED = "client_refused", _("Client refused")
        SPRAY = "spray", _("Many failures across clients")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    event = models.CharField(max_length=16, choices=Event.choices)
    number = models.CharField(max_length=MAX_LENGTH, blank=True)
    source_address = models.GenericIPAddressField(null=True, blank=True)
    actor_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-created_at"]
