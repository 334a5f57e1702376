"""What the go-live checklist (tenants.checklist) asks of the booking domain; run in the city's schema."""
from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models import Card, Notice, OpeningRule, Place, Reservation, Slot


def calendars_set(municipality=None) -> bool:
    """Every active place has weekly hours, and there are future slots to book."""
    places = Place.objects.filter(is_active=True)
    if not places.exists():
        return False
    without_hours = places.exclude(pk__in=OpeningRule.objects.values("place_id")).exists()
    return not without_hours and Slot.objects.filter(starts_at__gt=timezone.now(), capacity__gt=0).exists()


def notices_or_cards_imported(municipality=None) -> bool:
    return Notice.objects.exists() or Card.objects.exists()


def booking_made(municipality=None) -> bool:
    return Reservation.objects.exists()


CHECKS = [
    dict(key="calendars", order=20, label=_("Calendars set: every place has opening hours and bookable slots"),
         hint=_("Staff console: places and calendars."), check=calendars_set),
    dict(key="notices", order=30, label=_("Notices or card data imported"),
         hint=_("Staff console: import the J-LIS card data or the notices."), check=notices_or_cards_imported),
    dict(key="test_booking", order=50, label=_("A test booking made"),
         hint=_("Book a slot once on the citizen site or in the staff console, then cancel it."),
         check=booking_made),
]
