"""Cards from J-LIS production data (DATA-2), where they are stored (DATA-4), and their imports.

A card belongs to one notice. Its own status is physical: received (data imported), stored (in
a box at a position), handed over, or closed (returned, destroyed). Where the citizen is in
booking (booked, pulled for the day) is the notice's status; the progress report reads both.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Deferrable, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .notices import Notice


class CardStatus(models.TextChoices):
    RECEIVED = "received", _("Received")          # 受領 (data imported, not yet filed)
    STORED = "stored", _("In storage")            # 保管中
    HANDED_OVER = "handed_over", _("Handed over")  # 交付済
    RETURNED = "returned", _("Returned")          # 返納 (sent back, not collected)
    DESTROYED = "destroyed", _("Destroyed")       # 廃棄


CLOSED_CARD_STATUSES = (CardStatus.HANDED_OVER, CardStatus.RETURNED, CardStatus.DESTROYED)


class CardFlag(models.TextChoices):
    NONE = "", _("None")
    MISSING = "missing", _("Not where the list says")
    MISPLACED = "misplaced", _("Found in another box")


class StorageBox(models.Model):
    """A numbered box of cards on a shelf; its label carries the code as Code128 (`BOX-<code>`)."""

    code = models.CharField(_("box"), max_length=16, unique=True)
    shelf = models.CharField(_("shelf"), max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("storage box")

    def __str__(self) -> str:
        return self.code


class CardImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    VALIDATING = "validating", _("Checking lines")
    WRITING = "writing", _("Saving")
    DONE = "done", _("Done")
    FAILED = "failed", _("Refused")
    ABANDONED = "abandoned", _("Abandoned")


class CardImport(models.Model):
    """One upload of card production data: who, when, which file, what it did (DATA-2)."""

    Status = CardImportStatus

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                                   db_constraint=False, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    file_size = models.PositiveIntegerField(default=0)
    encoding = models.CharField(max_length=12, blank=True)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=CardImportStatus.choices, default=CardImportStatus.PENDING)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    total_lines = models.PositiveIntegerField(default=0)
    processed_lines = models.PositiveIntegerField(default=0)
    cards_created = models.PositiveIntegerField(default=0)
    cards_updated = models.PositiveIntegerField(default=0)
    cards_unchanged = models.PositiveIntegerField(default=0)
    cards_skipped = models.PositiveIntegerField(default=0)
    notices_created = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    # [{"line": 5, "column": 3, "header": "生年月日", "field": "birth_date", "message": "…"}], the first 1,000
    errors = models.JSONField(default=list, blank=True)
    # The uploaded file, kept only until the import has run (it holds names and birth dates).
    content = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(status__in=CardImportStatus.values),
                                              name="card_import_status_valid")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.file_name}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.ABANDONED)


class CardImportMapping(models.Model):
    """How this city's card files are laid out: which column holds which field, header row or not.

    One per city (the row with id 1). `columns` maps a field (see `booking.cardfiles.FIELDS`) to a
    header text when the file has a header row, or to a column number (1 = first) when it has none.
    """

    class Encoding(models.TextChoices):
        AUTO = "auto", _("Detect (UTF-8 or Shift_JIS)")
        UTF8 = "utf-8", _("UTF-8")
        CP932 = "cp932", _("Shift_JIS (CP932)")

    has_header = models.BooleanField(_("the first line is a header"), default=True)
    columns = models.JSONField(_("columns"), default=dict, blank=True)
    encoding = models.CharField(_("encoding"), max_length=8, choices=Encoding.choices, default=Encoding.AUTO)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by_label = models.CharField(max_length=150, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="one_card_import_mapping")]


class Card(models.Model):
    """The manufactured card a notice announces, as J-LIS production data describes it."""

    notice = models.OneToOneField(Notice, on_delete=models.CASCADE, related_name="card")
    serial = models.CharField(_("card serial"), max_length=32, blank=True)
    dispatch_number = models.CharField(_("dispatch number"), max_length=32, blank=True)
    # Names as J-LIS wrote them, 外字 and private-use code points included (never normalised).
    name_kanji = models.CharField(_("name"), max_length=100, blank=True)
    name_kana = models.CharField(_("name (kana)"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    card_expires_on = models.DateField(_("card valid until"), null=True, blank=True)
    certificate_expires_on = models.DateField(_("certificate valid until"), null=True, blank=True)
    arrived_on = models.DateField(_("received on"), null=True, blank=True)
    batch = models.CharField(_("batch"), max_length=32, blank=True)
    box = models.ForeignKey(StorageBox, null=True, blank=True, on_delete=models.PROTECT, related_name="cards")
    position = models.PositiveIntegerField(_("position in the box"), null=True, blank=True)
    status = models.CharField(max_length=12, choices=CardStatus.choices, default=CardStatus.RECEIVED)
    status_changed_at = models.DateTimeField(default=timezone.now)
    handed_over_at = models.DateTimeField(null=True, blank=True)
    closing_reason = models.CharField(_("reason"), max_length=200, blank=True)
    flag = models.CharField(max_length=12, choices=CardFlag.choices, default=CardFlag.NONE, blank=True)
    flag_note = models.CharField(max_length=200, blank=True)
    flagged_at = models.DateTimeField(null=True, blank=True)
    last_import = models.ForeignKey(CardImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    personal_data_purged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["serial"], condition=~Q(serial=""), name="card_serial_unique"),
            # deferred, so cards can swap places inside one transaction
            models.UniqueConstraint(fields=["box", "position"], name="one_card_per_box_position",
                                    deferrable=Deferrable.DEFERRED),
            models.CheckConstraint(condition=Q(box__isnull=True, position__isnull=True)
                                   | Q(box__isnull=False, position__isnull=False), name="card_box_and_position"),
            models.CheckConstraint(condition=Q(status__in=CardStatus.values), name="card_status_valid"),
            models.CheckConstraint(condition=Q(flag__in=CardFlag.values), name="card_flag_valid"),
        ]
        indexes = [
            models.Index(fields=["status"], name="card_status_idx"),
            models.Index(fields=["batch"], name="card_batch_idx"),
        ]

    def __str__(self) -> str:
        return self.serial or f"card of {self.notice}"

    @property
    def location(self) -> str:
        """As staff say it: shelf / box / position, or empty when the card has no place."""
        if self.box_id is None:
            return ""
        parts = [self.box.shelf, self.box.code, str(self.position)]
        return " / ".join(part for part in parts if part)
