"""Data minimisation (SEC-10): names, birth dates and e-mail addresses go a set time after handover.

What stays is what statistics and billing read: the notice number, ward and place, statuses and
their dates, the card's serial, batch and dates of the card itself, bookings with their slot and
channel, and the audit trail (which never holds names, birth dates or addresses). Cards closed
without a handover (returned, destroyed) are purged the same time after closing. Imports that
never finished lose their file after a day.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from booking.clock import current_municipality
from booking.models import CLOSED_CARD_STATUSES, Card, CardImport, Notice, NoticeStatus, Reservation
from booking.services.audit import Actor, audit_record_many

STALE_IMPORT = dt.timedelta(days=1)


@dataclass(frozen=True)
class PurgeResult:
    cards: int
    notices: int
    reservations: int
    imports: int


def personal_data_purge(*, now: dt.datetime | None = None) -> PurgeResult:
    """Erase the personal data of cards and notices closed more than the city's retention days ago."""
    now = now or timezone.now()
    cut = now - dt.timedelta(days=current_municipality().personal_data_retention_days)
    with transaction.atomic():
        cards = Card.objects.filter(status__in=CLOSED_CARD_STATUSES, status_changed_at__lte=cut,
                                    personal_data_purged_at__isnull=True)
        notice_ids = set(cards.values_list("notice_id", flat=True))
        notice_ids |= set(Notice.objects.filter(status=NoticeStatus.HANDED_OVER, status_changed_at__lte=cut)
                          .filter(Q(birth_day__isnull=False) | Q(birth_month__isnull=False))
                          .values_list("pk", flat=True))
        card_count = cards.update(name_kanji="", name_kana="", birth_date=None, personal_data_purged_at=now)
        notice_count = Notice.objects.filter(pk__in=notice_ids).update(birth_day=None, birth_month=None)
        reservation_count = Reservation.objects.filter(notice_id__in=notice_ids).exclude(email="").update(email="")
        audit_record_many(actor=Actor.system("personal data purge"), action="personal_data.purge",
                          notices=[Notice(pk=pk) for pk in sorted(notice_ids)],
                          changes_of=lambda notice: {"erased": ["name", "birth_date", "email"]})
        imports = CardImport.objects.filter(content__isnull=False, created_at__lte=now - STALE_IMPORT).update(
            content=None, status=CardImport.Status.ABANDONED, finished_at=now)
    return PurgeResult(cards=card_count, notices=notice_count, reservations=reservation_count, imports=imports)
