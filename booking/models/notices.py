"""Notices (交付通知書) and the cards they announce (OPS-2, DATA-4)."""
from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from booking.notice_numbers import MAX_LENGTH as NUMBER_MAX_LENGTH

from .places import Place, Ward


class NoticeStatus(models.TextChoices):
    MAILED = "mailed", _("Notice mailed")            # 通知書発送
    BOOKED = "booked", _("Booked")                   # 予約済
    PULLED = "pulled", _("Card pulled")              # 引抜済
    HANDED_OVER = "handed_over", _("Handed over")    # 交付済
    CANCELLED = "cancelled", _("Cancelled")          # 取消
    RETURNED = "returned", _("Notice returned")      # 返戻
    EXPIRED = "expired", _("Expired")                # 期限切れ


class Notice(models.Model):
    """The notice postcard; its number and the day of birth are the citizen's login (WEB-2)."""

    number = models.CharField(_("notice number"), max_length=NUMBER_MAX_LENGTH, unique=True)
    # The citizen's login secret; emptied a set time after handover (SEC-10), when no login is left to make.
    birth_day = models.PositiveSmallIntegerField(_("day of birth"), null=True, blank=True)
    birth_month = models.PositiveSmallIntegerField(_("month of birth"), null=True, blank=True)
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="notices")
    default_place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="notices", null=True, blank=True)
    mailed_on = models.DateField(_("mailed on"), null=True, blank=True)
    expires_on = models.DateField(_("pickup deadline"), null=True, blank=True)
    status = models.CharField(max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.MAILED)
    status_changed_at = models.DateTimeField(auto_now_add=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=Q(birth_day__gte=1, birth_day__lte=31), name="notice_birth_day_valid"),
            models.CheckConstraint(
                condition=Q(birth_month__isnull=True) | Q(birth_month__gte=1, birth_month__lte=12),
                name="notice_birth_month_valid",
            ),
            models.CheckConstraint(condition=Q(status__in=NoticeStatus.values), name="notice_status_valid"),
        ]
        indexes = [models.Index(fields=["status"], name="notice_status_idx")]

    def __str__(self) -> str:
        return self.number

