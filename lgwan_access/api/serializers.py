"""What the staff API reads and answers: explicit fields, times in the city's zone (ISO 8601 with offset)."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from booking.clock import local
from booking.models import CardImportMapping, Channel, NoticeStatus, ReservationStatus
from booking.notice_numbers import MAX_INPUT_LENGTH
from booking.selectors.booking_lists import MAX_DAYS as EXPORT_MAX_DAYS
from tenants.languages import DEFAULT_LANGUAGE

MAX_DAYS = 62  # slots and availability: at most this many days per request


class CityDateTimeField(serializers.DateTimeField):
    def to_representation(self, value):
        return None if value is None else local(value).isoformat()


class PlaceRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class WardRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PlaceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    is_active = serializers.BooleanField()
    citizen_selectable = serializers.BooleanField()


class BookingSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    status = serializers.ChoiceField(choices=ReservationStatus.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    slot = serializers.IntegerField(source="slot_id")
    place = PlaceRefSerializer(source="slot.place")
    starts_at = CityDateTimeField(source="slot.starts_at")
    ends_at = CityDateTimeField(source="slot.ends_at")


class NoticeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=NoticeStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    ward = WardRefSerializer()
    default_place = PlaceRefSerializer(allow_null=True)
    mailed_on = serializers.DateField(allow_null=True)
    expires_on = serializers.DateField(allow_null=True)
    locked = serializers.BooleanField(help_text=_("Locked after too many failed citizen logins"))
    booking = serializers.SerializerMethodField()

    @extend_schema_field(BookingSummarySerializer(allow_null=True))
    def get_booking(self, notice):
        active = getattr(notice, "active_bookings", None) or []
        return BookingSummarySerializer(active[0]).data if active else None


class NoticeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=NoticeStatus.choices)
    ward = serializers.CharField(source="ward.code")


class BookingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    status = serializers.ChoiceField(choices=ReservationStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    channel = serializers.ChoiceField(choices=Channel.choices)
    notice = NoticeRefSerializer()
    slot = serializers.IntegerField(source="slot_id")
    place = PlaceRefSerializer(source="slot.place")
    starts_at = CityDateTimeField(source="slot.starts_at")
    ends_at = CityDateTimeField(source="slot.ends_at")
    email = serializers.CharField(allow_blank=True)
    language = serializers.CharField()
    created_at = CityDateTimeField()
    cancelled_at = CityDateTimeField(allow_null=True)


class BookingCreateSerializer(serializers.Serializer):
    notice_number = serializers.CharField(max_length=MAX_INPUT_LENGTH,
                                          help_text=_("The notice number as printed on the postcard"))
    slot = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text=_("The slot's id (see slots)"))
    email = serializers.CharField(max_length=254, required=False, allow_blank=True,
                                  help_text=_("Address for the confirmation (optional)"))
    language = serializers.ChoiceField(choices=[code for code, _name in settings.LANGUAGES], required=False,
                                       default=DEFAULT_LANGUAGE)


class BookingMoveSerializer(serializers.Serializer):
    slot = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text=_("The new slot's id"))


class BookingCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class DateRangeSerializer(serializers.Serializer):
    """A place and a range of days, at most `max_days` of them."""

    max_days = MAX_DAYS

    place = serializers.CharField(max_length=32, help_text=_("Place code"))
    date_from = serializers.DateField(help_text=_("First day (the city's date)"))
    date_to = serializers.DateField(required=False, help_text=_("Last day, included (default: the first day)"))

    def validate(self, attrs):
        attrs.setdefault("date_to", attrs["date_from"])
        if attrs["date_to"] < attrs["date_from"]:
            raise serializers.ValidationError({"date_to": [_("The last day is before the first day.")]})
        if attrs["date_to"] - attrs["date_from"] >= dt.timedelta(days=self.max_days):
            raise serializers.ValidationError(
                {"date_to": [_("Ask for at most %(days)s days at a time.") % {"days": self.max_days}]})
        return attrs


class SlotSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="slot_id")
    starts_at = CityDateTimeField()
    ends_at = CityDateTimeField()
    capacity = serializers.IntegerField()
    booked = serializers.IntegerField()
    seats_left = serializers.IntegerField(source="free")
    bookable = serializers.BooleanField(help_text=_("Whether staff may book it now (it has not started)"))


class DayAvailabilitySerializer(serializers.Serializer):
    date = serializers.DateField()
    slots = serializers.IntegerField()
    capacity = serializers.IntegerField()
    booked = serializers.IntegerField()
    seats_left = serializers.IntegerField()
    bookable_seats = serializers.IntegerField(help_text=_("Free seats in slots that may still be booked"))


class AvailabilitySerializer(serializers.Serializer):
    place = PlaceRefSerializer()
    days = DayAvailabilitySerializer(many=True)


class SlotListSerializer(serializers.Serializer):
    place = PlaceRefSerializer()
    slots = SlotSerializer(many=True)


class NoticeImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("The notices CSV (UTF-8 or Shift_JIS)"))
    dry_run = serializers.BooleanField(default=False, help_text=_("Check every line and add nothing"))


class NoticeImportResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    created = serializers.IntegerField(help_text=_("Notices added (or that would be added by a dry run)"))


class CardImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("The card production data file"))
    dry_run = serializers.BooleanField(default=False, help_text=_("Check every line and change nothing"))
    encoding = serializers.ChoiceField(choices=CardImportMapping.Encoding.choices, required=False)


class CardImportLineErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(allow_null=True)
    column = serializers.IntegerField(allow_null=True)
    header = serializers.CharField(allow_blank=True)
    field = serializers.CharField(allow_blank=True)
    message = serializers.CharField()


class CardImportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    dry_run = serializers.BooleanField()
    file_name = serializers.CharField(allow_blank=True)
    created_at = CityDateTimeField()
    finished_at = CityDateTimeField(allow_null=True)
    total_lines = serializers.IntegerField()
    processed_lines = serializers.IntegerField()
    cards_created = serializers.IntegerField()
    cards_updated = serializers.IntegerField()
    cards_unchanged = serializers.IntegerField()
    cards_skipped = serializers.IntegerField()
    notices_created = serializers.IntegerField()
    error_count = serializers.IntegerField()
    errors = CardImportLineErrorSerializer(many=True)


class ExportQuerySerializer(DateRangeSerializer):
    max_days = EXPORT_MAX_DAYS  # as the console's lists
    place = serializers.CharField(max_length=32, required=False, allow_blank=True, help_text=_("Place code"))
    status = serializers.ListField(child=serializers.ChoiceField(choices=ReservationStatus.choices), required=False)
    channel = serializers.ListField(child=serializers.ChoiceField(choices=Channel.choices), required=False)
    encoding = serializers.ChoiceField(choices=[("utf-8", "UTF-8 (BOM)"), ("cp932", "Shift_JIS (CP932)")],
                                       required=False, default="utf-8")

