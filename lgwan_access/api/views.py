"""The staff API's endpoints: thin, over booking's selectors and lgwan_access's services.

Every endpoint answers only from the city's LGWAN ranges (checked first), to a staff user of the
city (a token or a console session past the second factor). Reads of personal data are recorded
once per request (SEC-9); writes go through the same services as the console.
"""
from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, parsers, renderers, status, viewsets
from rest_framework.decorators import action, api_view, authentication_classes, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from booking.selectors.availability import place_slots
from booking.selectors.booking_lists import BookingFilter as BookingListFilter
from booking.selectors.card_import import card_import_progress
from booking.selectors.staff_queries import (
    bookings_listed,
    notices_listed,
    place_by_code,
    places_listed,
)
from kernel.errors import NotFoundError
from lgwan_access.api import serializers as s
from lgwan_access.api.authentication import StaffSessionAuthentication, StaffTokenAuthentication
from lgwan_access.api.exceptions import api_exception_handler
from lgwan_access.api.filters import BookingFilter, NoticeFilter
from lgwan_access.api.pagination import StaffApiPagination
from lgwan_access.api.permissions import StaffApiPermission, check_network
from lgwan_access.api.throttling import StaffApiThrottle
from lgwan_access.bookings_download import bookings_download
from lgwan_access.models import StaffAccessEntry
from lgwan_access.services.access_log import access_record
from lgwan_access.services.staff_api import (
    api_booking_cancel,
    api_booking_create,
    api_booking_move,
    api_cards_import,
    api_notices_import,
)

ID_PATTERN = r"[0-9]{1,18}"


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@authentication_classes([])
@permission_classes([])
def not_found(request, *args, **kwargs):
    """An address under /api/staff/v1/ that names nothing: 404 in the error shape (still behind the network)."""
    check_network(request)
    raise NotFound()


class StaffApiMixin:
    """Network policy first, then who is calling, then the role; errors in one shape."""

    authentication_classes = [StaffTokenAuthentication, StaffSessionAuthentication]
    permission_classes = [StaffApiPermission]
    renderer_classes = [renderers.JSONRenderer]
    pagination_class = StaffApiPagination
    throttle_classes = [StaffApiThrottle]

    def initial(self, request, *args, **kwargs):
        check_network(request)
        super().initial(request, *args, **kwargs)

    def get_exception_handler(self):
        return api_exception_handler


def _record_read(request, target: str, **details) -> None:
    access_record(request, StaffAccessEntry.Action.API_READ, target, via="api", **details)


def _query(request) -> dict:
    return {key: request.query_params.getlist(key) for key in request.query_params}


@extend_schema_view(
    list=extend_schema(summary=_("Notices"), description=_("Notices, filtered and paged.")),
    retrieve=extend_schema(summary=_("One notice")),
)
class NoticeViewSet(StaffApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.NoticeSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = NoticeFilter
    lookup_value_regex = ID_PATTERN

    def get_queryset(self):
        return notices_listed()

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        _record_read(request, "notices", query=_query(request), count=len(response.data.get("results", [])))
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        _record_read(request, response.data["number"], notice=response.data["id"])
        return response


@extend_schema_view(
    list=extend_schema(summary=_("Bookings"), description=_("Bookings, filtered and paged; newest slot first.")),
    retrieve=extend_schema(summary=_("One booking")),
)
class BookingViewSet(StaffApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.BookingSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = BookingFilter
    lookup_value_regex = ID_PATTERN

    def get_queryset(self):
        return bookings_listed()

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        _record_read(request, "bookings", query=_query(request), count=len(response.data.get("results", [])))
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        _record_read(request, response.data["code"], booking=response.data["id"])
        return response

    @extend_schema(summary=_("Book a slot for a notice"), request=s.BookingCreateSerializer,
                   responses={201: s.BookingSerializer})
    def create(self, request):
        data = _valid(s.BookingCreateSerializer, request.data)
        booking = api_booking_create(user=request.user, notice_number=data["notice_number"], slot_id=data["slot"],
                                     email=data.get("email"), language=data["language"])
        return Response(s.BookingSerializer(booking).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("Move a booking to another slot"), request=s.BookingMoveSerializer,
                   responses={200: s.BookingSerializer})
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        data = _valid(s.BookingMoveSerializer, request.data)
        booking = api_booking_move(user=request.user, reservation_id=int(pk), slot_id=data["slot"])
        return Response(s.BookingSerializer(booking).data)

    @extend_schema(summary=_("Cancel a booking"), request=s.BookingCancelSerializer,
                   responses={200: s.BookingSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        data = _valid(s.BookingCancelSerializer, request.data)
        booking = api_booking_cancel(user=request.user, reservation_id=int(pk), reason=data.get("reason", ""))
        return Response(s.BookingSerializer(booking).data)


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class PlaceListView(StaffApiMixin, APIView):
    pagination_class = None  # a city has a handful of places
    @extend_schema(summary=_("Places"), responses={200: s.PlaceSerializer(many=True)})
    def get(self, request):
        return Response(s.PlaceSerializer(places_listed(), many=True).data)


def _place_days(request):
    query = _valid(s.DateRangeSerializer, request.query_params)
    place = place_by_code(query["place"])
    if place is None:
        raise NotFoundError(_("No place with this code."))
    days = (query["date_to"] - query["date_from"]).days + 1
    return place, place_slots(place=place, start=query["date_from"], days=days, staff=True)


_RANGE_PARAMETERS = [
    OpenApiParameter("place", str, required=True, description=_("Place code")),
    OpenApiParameter("date_from", dt.date, required=True, description=_("First day (the city's date)")),
    OpenApiParameter("date_to", dt.date, description=_("Last day, included (default: the first day)")),
]


class SlotListView(StaffApiMixin, APIView):
    @extend_schema(summary=_("Slots of a place, with seats left"), parameters=_RANGE_PARAMETERS,
                   responses={200: s.SlotListSerializer})
    def get(self, request):
        place, by_day = _place_days(request)
        slots = [slot for day in sorted(by_day) for slot in by_day[day]]
        return Response(s.SlotListSerializer({"place": place, "slots": slots}).data)


class AvailabilityView(StaffApiMixin, APIView):
    @extend_schema(summary=_("Seats left per day at a place"), parameters=_RANGE_PARAMETERS,
                   responses={200: s.AvailabilitySerializer})
    def get(self, request):
        place, by_day = _place_days(request)
        days = [{"date": day, "slots": len(slots), "capacity": sum(slot.capacity for slot in slots),
                 "booked": sum(slot.booked for slot in slots), "seats_left": sum(slot.free for slot in slots),
                 "bookable_seats": sum(slot.free for slot in slots if slot.bookable)}
                for day, slots in sorted(by_day.items())]
        return Response(s.AvailabilitySerializer({"place": place, "days": days}).data)


class NoticeImportView(StaffApiMixin, APIView):
    parser_classes = [parsers.MultiPartParser, parsers.FormParser]

    @extend_schema(summary=_("Import notices from a CSV file (all or nothing)"),
                   request={"multipart/form-data": s.NoticeImportUploadSerializer},
                   responses={200: s.NoticeImportResultSerializer, 201: s.NoticeImportResultSerializer})
    def post(self, request):
        data = _valid(s.NoticeImportUploadSerializer, request.data)
        outcome = api_notices_import(user=request.user, content=data["file"].read(), dry_run=data["dry_run"])
        body = s.NoticeImportResultSerializer({"dry_run": outcome.dry_run, "created": outcome.created}).data
        return Response(body, status=status.HTTP_200_OK if outcome.dry_run else status.HTTP_201_CREATED)


class CardImportView(StaffApiMixin, APIView):
    parser_classes = [parsers.MultiPartParser, parsers.FormParser]

    @extend_schema(summary=_("Import card production data (all or nothing)"),
                   description=_("Small files and dry runs are checked at once; a large file is imported in the "
                                 "background (202): follow it at its address."),
                   request={"multipart/form-data": s.CardImportUploadSerializer},
                   responses={200: s.CardImportSerializer, 201: s.CardImportSerializer,
                              202: s.CardImportSerializer})
    def post(self, request):
        data = _valid(s.CardImportUploadSerializer, request.data)
        upload = data["file"]
        record = api_cards_import(user=request.user, content=upload.read(), file_name=upload.name or "",
                                  dry_run=data["dry_run"], encoding=data.get("encoding"))
        if not record.finished:
            code = status.HTTP_202_ACCEPTED
        else:
            code = status.HTTP_200_OK if record.dry_run else status.HTTP_201_CREATED
        return Response(s.CardImportSerializer(record).data, status=code)


class CardImportDetailView(StaffApiMixin, APIView):

    @extend_schema(summary=_("A card import and its progress"), responses={200: s.CardImportSerializer})
    def get(self, request, pk: int):
        progress = card_import_progress(pk)
        if progress is None:
            raise NotFoundError(_("No import with this id."))
        return Response(s.CardImportSerializer(progress.card_import).data)


class JsonErrorsNegotiation(BaseContentNegotiation):
    """The export streams its CSV itself; what reaches a renderer is an error, always JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


_EXPORT_PARAMETERS = [
    OpenApiParameter("date_from", dt.date, required=True, description=_("First day (the city's date)")),
    OpenApiParameter("date_to", dt.date, description=_("Last day, included (default: the first day)")),
    OpenApiParameter("place", str, description=_("Place code")),
    OpenApiParameter("status", str, many=True, enum=[value for value, _label in s.ReservationStatus.choices],
                     description=_("Booking status (repeat for several)")),
    OpenApiParameter("channel", str, many=True, enum=[value for value, _label in s.Channel.choices],
                     description=_("Channel the booking came through (repeat for several)")),
    OpenApiParameter("encoding", str, enum=["utf-8", "cp932"], description=_("utf-8 (with BOM, the default) or "
                                                                              "cp932 (Shift_JIS)")),
]


class BookingExportView(StaffApiMixin, APIView):
    content_negotiation_class = JsonErrorsNegotiation

    @extend_schema(summary=_("Bookings as CSV (streamed)"),
                   description=_("The bookings the filters select, in the order of the day, as CSV: UTF-8 with "
                                 "BOM, or Shift_JIS (CP932) for Excel on Windows. The same file as the console's "
                                 "lists."),
                   parameters=_EXPORT_PARAMETERS,
                   responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request):
        query = _valid(s.ExportQuerySerializer, request.query_params)
        place_id = None
        if query.get("place"):
            place = place_by_code(query["place"])
            if place is None:
                raise NotFoundError(_("No place with this code."))
            place_id = place.pk
        criteria = BookingListFilter(date_from=query["date_from"], date_to=query["date_to"], place_id=place_id,
                                     statuses=tuple(query.get("status") or ()),
                                     channels=tuple(query.get("channel") or ()))
        encoding = query["encoding"]
        entry = access_record(request, StaffAccessEntry.Action.EXPORT, "bookings.csv", via="api", encoding=encoding,
                              query=_query(request))
        return bookings_download(criteria=criteria, encoding=encoding, entry=entry, city=request.tenant)
