"""Filters of the staff API's lists (django-filter); the querysets come from booking's selectors."""
from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from booking.models import Channel, NoticeStatus, ReservationStatus
from booking.notice_numbers import MAX_INPUT_LENGTH
from booking.selectors.staff_queries import bookings_between, bookings_numbered, notices_numbered


class NoticeFilter(django_filters.FilterSet):
    number = django_filters.CharFilter(method="filter_number", max_length=MAX_INPUT_LENGTH,
                                       label=_("Notice number as printed (any width, hyphens and spaces "
                                               "may be left out); matches numbers starting with it"))
    status = django_filters.MultipleChoiceFilter(field_name="status", choices=NoticeStatus.choices,
                                                 label=_("Notice status (repeat for several)"))
    ward = django_filters.CharFilter(field_name="ward__code", max_length=32, label=_("Ward code"))
    place = django_filters.CharFilter(field_name="default_place__code", max_length=32,
                                      label=_("Code of the notice's pickup place"))
    locked = django_filters.BooleanFilter(field_name="locked", label=_("Locked after failed logins"))

    def filter_number(self, queryset, name, value):
        return notices_numbered(queryset, value) if value else queryset


class BookingFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(method="filter_dates", label=_("First day (the city's date)"))
    date_to = django_filters.DateFilter(method="filter_dates", label=_("Last day (the city's date)"))
    place = django_filters.CharFilter(field_name="slot__place__code", max_length=32, label=_("Place code"))
    status = django_filters.MultipleChoiceFilter(field_name="status", choices=ReservationStatus.choices,
                                                 label=_("Booking status (repeat for several)"))
    channel = django_filters.MultipleChoiceFilter(field_name="channel", choices=Channel.choices,
                                                  label=_("Channel the booking came through (repeat for several)"))
    notice_number = django_filters.CharFilter(method="filter_number", max_length=MAX_INPUT_LENGTH,
                                              label=_("Notice number as printed"))

    def filter_dates(self, queryset, name, value):
        return queryset  # both days are applied together in filter_queryset

    def filter_number(self, queryset, name, value):
        return bookings_numbered(queryset, value) if value else queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return bookings_between(queryset, self.form.cleaned_data.get("date_from"),
                                self.form.cleaned_data.get("date_to"))

