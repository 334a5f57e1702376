"""Reading cards: what a scan refers to, a box's contents, follow-up of deadlines, progress (DATA-3, DATA-4, OPS-2)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, Q, Value, When
from django.utils.translation import gettext_lazy as _

from booking import barcodes
from booking.cardfiles import normalise_box_code, normalise_serial
from booking.clock import city_today
from booking.models import (
    CLOSED_CARD_STATUSES,
    Card,
    CardStatus,
    Notice,
    NoticeStatus,
    Reservation,
    ReservationStatus,
    StorageBox,
)
from booking.notice_numbers import normalise_notice_number


@dataclass(frozen=True)
class ScanResult:
    """What a keyboard-wedge scan refers to. `kind`: box · card · notice · reservation · "" (nothing)."""

    kind: str
    box: StorageBox | None = None
    card: Card | None = None
    notice: Notice | None = None
    reservation: Reservation | None = None


def _card_queryset():
    return Card.objects.select_related("notice", "notice__ward", "box")


def scan_resolve(scanned: str) -> ScanResult:
    """A box label (BOX-…), a pull-list line (CARD-…), a card serial, a notice number as printed, or a
    booking code; in that order. An unknown code gives kind "" (the page says nothing was found)."""
    label = barcodes.read_label(scanned)
    if label is not None:
        kind, code = label
        if kind == "box":
            box = StorageBox.objects.filter(code=normalise_box_code(code)).first()
            return ScanResult("box", box=box) if box else ScanResult("")
        card = _card_queryset().filter(serial=normalise_serial(code)).first()
        return ScanResult("card", card=card, notice=card.notice) if card else ScanResult("")
    serial = normalise_serial(scanned)
    if serial:
        card = _card_queryset().filter(serial=serial).first()
        if card is not None:
            return ScanResult("card", card=card, notice=card.notice)
    number = normalise_notice_number(scanned)
    if number:
        notice = Notice.objects.select_related("ward", "default_place").filter(number=number).first()
        if notice is not None:
            return ScanResult("notice", notice=notice, card=card_of(notice))
        reservation = (Reservation.objects.select_related("notice", "slot", "slot__place")
                       .filter(code=f"{number[:4]}-{number[4:]}").first())
        if reservation is not None:
            return ScanResult("reservation", reservation=reservation, notice=reservation.notice,
                              card=card_of(reservation.notice))
    return ScanResult("")


def card_of(notice: Notice) -> Card | None:
    return _card_queryset().filter(notice=notice).first()


def card_by_serial(serial: str) -> Card | None:
    return _card_queryset().filter(serial=normalise_serial(serial)).first()


@dataclass(frozen=True)
class BoxContents:
    box: StorageBox
    cards: list[Card]

    @property
    def label_code(self) -> str:
        return barcodes.box_label_code(self.box.code)


def box_contents(box_code: str) -> BoxContents | None:
    """The cards in a box, in position order."""
    box = StorageBox.objects.filter(code=normalise_box_code(box_code)).first()
    if box is None:
        return None
    return BoxContents(box=box, cards=list(_card_queryset().filter(box=box).order_by("position")))


def storage_boxes() -> list[StorageBox]:
    return list(StorageBox.objects.annotate(card_count=Count("cards")).order_by("code"))


# --- deadlines and follow-up ---------------------------------------------------------------------

@dataclass(frozen=True)
class FollowUpRow:
    notice: Notice
    card: Card | None
    days_overdue: int


def deadline_follow_up(*, today: dt.date | None = None, ward_code: str | None = None) -> list[FollowUpRow]:
    """Notices past their pickup deadline whose card was not collected, oldest deadline first."""
    today = today or city_today()
    notices = (Notice.objects.select_related("ward", "card", "card__box")
               .filter(expires_on__lt=today)
               .exclude(status__in=[NoticeStatus.HANDED_OVER, NoticeStatus.CANCELLED])
               .exclude(card__status__in=CLOSED_CARD_STATUSES)
               .order_by("expires_on", "number"))
    if ward_code:
        notices = notices.filter(ward__code=ward_code)
    rows = []
    for notice in notices:
        card = getattr(notice, "card", None) if hasattr(notice, "card") else None
        rows.append(FollowUpRow(notice=notice, card=card, days_overdue=(today - notice.expires_on).days))
    return rows


# --- progress (OPS-2, OPS-3) ---------------------------------------------------------------------

STAGES = (
    ("received", _("Received")), ("stored", _("In storage")), ("mailed", _("Notice mailed")),
    ("booked", _("Booked")), ("pulled", _("Card pulled")), ("handed_over", _("Handed over")),
    ("notice_returned", _("Notice returned")), ("expired", _("Deadline passed")),
    ("card_returned", _("Card returned")), ("destroyed", _("Destroyed")),
)
STAGE_KEYS = tuple(key for key, _label in STAGES)

_STAGE = Case(
    When(status=CardStatus.HANDED_OVER, then=Value("handed_over")),
    When(status=CardStatus.DESTROYED, then=Value("destroyed")),
    When(status=CardStatus.RETURNED, then=Value("card_returned")),
    When(notice__status=NoticeStatus.PULLED, then=Value("pulled")),
    When(notice__status=NoticeStatus.BOOKED, then=Value("booked")),
    When(notice__status=NoticeStatus.RETURNED, then=Value("notice_returned")),
    When(notice__status__in=[NoticeStatus.EXPIRED, NoticeStatus.CANCELLED], then=Value("expired")),
    When(notice__mailed_on__isnull=False, then=Value("mailed")),
    When(status=CardStatus.STORED, then=Value("stored")),
    default=Value("received"), output_field=CharField(),
)


@dataclass(frozen=True)
class ProgressRow:
    key: str  # ward code or batch
    label: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def card_progress(*, by: str = "ward") -> list[ProgressRow]:
    """Cards per stage, from received to handed over, per ward or per batch; one query. The last row is the total."""
    if by not in ("ward", "batch"):
        raise ValueError(by)
    group = ("notice__ward__code", "notice__ward__name") if by == "ward" else ("batch",)
    rows: dict[str, ProgressRow] = {}
    found = (Card.objects.annotate(stage=_STAGE).values(*group, "stage").annotate(n=Count("id"))
             .order_by(*group))
    for row in found:
        key = row[group[0]] or ""
        label = row[group[1]] if by == "ward" else (row["batch"] or "—")
        entry = rows.setdefault(key, ProgressRow(key=key, label=label, counts=dict.fromkeys(STAGE_KEYS, 0)))
        entry.counts[row["stage"]] += row["n"]
    ordered = list(rows.values())
    if by == "ward":
        from booking.models import Ward

        order = {code: index for index, code in enumerate(Ward.objects.order_by("sort_order", "code")
                                                          .values_list("code", flat=True))}
        ordered.sort(key=lambda row: order.get(row.key, len(order)))
    total = dict.fromkeys(STAGE_KEYS, 0)
    for row in ordered:
        for key, value in row.counts.items():
            total[key] += value
    return ordered + [ProgressRow(key="", label=str(_("Total")), counts=total)]


def no_shows(*, day: dt.date, place=None) -> list[Reservation]:
    """Bookings of `day` nobody came for, with where their cards go back to."""
    from booking.clock import at

    start = at(day, dt.time.min)
    reservations = (Reservation.objects.select_related("notice", "notice__card", "notice__card__box", "slot",
                                                       "slot__place")
                    .filter(status=ReservationStatus.NO_SHOW, slot__starts_at__gte=start,
                            slot__starts_at__lt=start + dt.timedelta(days=1))
                    .order_by("slot__starts_at", "code"))
    if place is not None:
        reservations = reservations.filter(slot__place=place)
    return list(reservations)


def cards_flagged() -> list[Card]:
    """Cards not where the list said (missing or found elsewhere), for the storage clerk."""
    return list(_card_queryset().filter(~Q(flag="")).order_by("flagged_at"))
