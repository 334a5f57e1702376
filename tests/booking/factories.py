"""Factories and helpers for a municipality's own data. Use them inside a city's schema."""
from __future__ import annotations

import datetime as dt

import factory

from booking.clock import at, city_today
from booking.models import AuditEntry, Channel, Notice, Place, Slot, Ward
from booking.services.audit import Actor
from booking.services.calendars import is_closed_by_default


def open_weekday(min_days: int = 3, skip: int = 0) -> dt.date:
    """The first ordinary weekday (no holiday, no year-end) at least `min_days` ahead; `skip` more after it."""
    day = city_today() + dt.timedelta(days=min_days)
    found = -1
    while True:
        if day.weekday() < 5 and not is_closed_by_default(day):
            found += 1
            if found == skip:
                return day
        day += dt.timedelta(days=1)


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notice

    number = factory.Sequence(lambda n: f"TST{n:06d}")
    birth_day = 7
    ward = factory.LazyFunction(lambda: Ward.objects.order_by("sort_order").first())
    default_place = factory.LazyAttribute(lambda notice: notice.ward.default_places.first())
    mailed_on = factory.LazyFunction(city_today)


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    code = factory.Sequence(lambda n: f"place{n}")
    name = factory.Sequence(lambda n: f"テスト会場{n}")


def make_slot(place: Place, day: dt.date, start: dt.time = dt.time(10, 0), minutes: int = 30,
              capacity: int = 4) -> Slot:
    starts_at = at(day, start)
    slot, _ = Slot.objects.update_or_create(
        place=place, starts_at=starts_at,
        defaults={"ends_at": starts_at + dt.timedelta(minutes=minutes), "capacity": capacity},
    )
    return slot


# Who acts, once for every test: a citizen on the web, a clerk at the counter, an operator on the phone.
CITIZEN = Actor.citizen()
STAFF = Actor(kind=AuditEntry.ActorKind.USER, channel=Channel.STAFF, label="counter staff")
OPERATOR = Actor(kind=AuditEntry.ActorKind.USER, channel=Channel.PHONE, label="call-centre operator")
IVR = Actor.citizen(channel=Channel.IVR)


# --- cards (DATA-2, DATA-4) -----------------------------------------------------------------------

def card_line(n: int, **overrides) -> dict:
    """One line of the documented card file, for the n-th test card (notice ABC00000n, serial SN…n)."""
    values = {
        "notice_number": f"ABC-{n:06d}", "dispatch_number": f"D{n:05d}", "card_serial": f"SN{n:010d}",
        "name_kanji": "山田　太郎", "name_kana": "ヤマダ タロウ", "birth_date": "1985-05-07", "ward": "kita",
        "card_expires_on": "2036-05-07", "certificate_expires_on": "2031-05-07", "received_on": "2026-11-01",
        "batch": "B-1", "box": "", "shelf": "", "position": "", "mailed_on": "", "pickup_deadline": "",
    }
    values.update({key: str(value) for key, value in overrides.items()})
    return values


card_line.FIELDS = list(card_line(0))


def card_csv(lines: list[dict], *, encoding: str = "utf-8", extra_column: tuple[str, str] | None = None) -> bytes:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header = list(card_line.FIELDS) + ([extra_column[0]] if extra_column else [])
    writer.writerow(header)
    for line in lines:
        writer.writerow([line[key] for key in card_line.FIELDS] + ([extra_column[1]] if extra_column else []))
    return out.getvalue().encode(encoding)


def make_card(notice: Notice | None = None, *, box: str | None = None, position: int | None = None,
              **fields):
    """A card with its notice, stored in `box` at `position` (the next free one if omitted)."""
    from booking.models import Card, CardStatus, StorageBox

    notice = notice or NoticeFactory()
    values = {"serial": f"SN{notice.pk:010d}", "name_kanji": "山田　太郎", "name_kana": "ヤマダ タロウ",
              "birth_date": dt.date(1985, 5, notice.birth_day or 7), "batch": "B-1", "status": CardStatus.RECEIVED}
    values.update(fields)
    if box:
        storage_box, _ = StorageBox.objects.get_or_create(code=box)
        if position is None:
            position = (storage_box.cards.order_by("-position").values_list("position", flat=True).first() or 0) + 1
        values.update(box=storage_box, position=position, status=fields.get("status", CardStatus.STORED))
    return Card.objects.create(notice=notice, **values)


def remove_notices(numbers) -> None:
    """In the current city: remove these notices with their bookings, cards, mail receipts and audit
    rows, and give their slots back the seats (the clean-up of tests that commit, e.g. browser tests)."""
    from booking.models import Card, MailReceipt, Reservation

    notices = Notice.objects.filter(number__in=list(numbers))
    slot_ids = list(Reservation.objects.filter(notice__in=notices).values_list("slot_id", flat=True))
    MailReceipt.objects.filter(reservation__notice__in=notices).delete()
    AuditEntry.objects.filter(notice__in=notices).delete()
    Reservation.objects.filter(notice__in=notices).delete()
    Card.objects.filter(notice__in=notices).delete()
    notices.delete()
    for slot in Slot.objects.filter(pk__in=slot_ids):
        slot.booked = slot.reservations.filter(status="active").count()
        slot.save(update_fields=["booked"])
