"""Service level (CC-2, CC-7): answer rate, abandonment, speed of answer, handle time.

A call counts as *offered* when the caller asked for an operator (it entered the queue); it is
*answered* when an operator picked up. Answer rate = answered / offered (target ≥ 90 %);
abandoned = the caller hung up while waiting or ringing; overflowed = sent back to the automated
menu after the city's longest wait. Calls handled in the automated menu alone, and calls after
hours, are counted apart: nobody asked for an operator.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import Coalesce, TruncDay, TruncHour, TruncMonth

from booking.clock import city_tz
from telephony_adapter.models import CallRecord, EndReason

TRUNC = {"hour": TruncHour, "day": TruncDay, "month": TruncMonth}
ANSWER_WITHIN_SECONDS = 20


@dataclass(frozen=True)
class ServiceLevel:
    calls: int = 0
    offered: int = 0
    answered: int = 0
    answered_in_time: int = 0
    abandoned: int = 0
    overflowed: int = 0
    self_service: int = 0
    after_hours: int = 0
    asa_seconds: float | None = None
    handle_seconds: float | None = None

    @property
    def answer_rate(self) -> float | None:
        return self.answered / self.offered if self.offered else None

    @property
    def abandonment_rate(self) -> float | None:
        return self.abandoned / self.offered if self.offered else None

    @property
    def service_level(self) -> float | None:
        return self.answered_in_time / self.offered if self.offered else None

    def __add__(self, other: ServiceLevel) -> ServiceLevel:
        def weighted(a, wa, b, wb):
            if a is None:
                return b
            if b is None:
                return a
            return (a * wa + b * wb) / (wa + wb) if wa + wb else None

        return ServiceLevel(
            calls=self.calls + other.calls, offered=self.offered + other.offered,
            answered=self.answered + other.answered, answered_in_time=self.answered_in_time + other.answered_in_time,
            abandoned=self.abandoned + other.abandoned, overflowed=self.overflowed + other.overflowed,
            self_service=self.self_service + other.self_service, after_hours=self.after_hours + other.after_hours,
            asa_seconds=weighted(self.asa_seconds, self.answered, other.asa_seconds, other.answered),
            handle_seconds=weighted(self.handle_seconds, self.answered, other.handle_seconds, other.answered),
        )


def _aggregates() -> dict:
    wait = ExpressionWrapper(F("answered_at") - F("enqueued_at"), output_field=DurationField())
    handle = ExpressionWrapper(Coalesce("wrapped_up_at", "ended_at") - F("answered_at"), output_field=DurationField())
    asked = Q(enqueued_at__isnull=False)
    return {
        "calls": Count("id"),
        "offered": Count("id", filter=asked),
        "answered": Count("id", filter=asked & Q(answered_at__isnull=False)),
        "answered_in_time": Count("id", filter=asked & Q(answered_at__isnull=False)
                                  & Q(answered_at__lte=F("enqueued_at") + dt.timedelta(seconds=ANSWER_WITHIN_SECONDS))),
        "abandoned": Count("id", filter=Q(end_reason__in=[EndReason.ABANDONED, EndReason.NOT_ANSWERED])),
        "overflowed": Count("id", filter=Q(end_reason=EndReason.OVERFLOW)),
        "self_service": Count("id", filter=Q(end_reason=EndReason.SELF_SERVICE)),
        "after_hours": Count("id", filter=Q(end_reason=EndReason.AFTER_HOURS)),
        "asa": Avg(wait, filter=asked & Q(answered_at__isnull=False)),
        "aht": Avg(handle, filter=Q(answered_at__isnull=False, ended_at__isnull=False)),
    }


def _level(row: dict) -> ServiceLevel:
    return ServiceLevel(
        calls=row["calls"], offered=row["offered"], answered=row["answered"],
        answered_in_time=row["answered_in_time"], abandoned=row["abandoned"], overflowed=row["overflowed"],
        self_service=row["self_service"], after_hours=row["after_hours"],
        asa_seconds=row["asa"].total_seconds() if row["asa"] is not None else None,
        handle_seconds=row["aht"].total_seconds() if row["aht"] is not None else None,
    )


def service_level(*, start: dt.datetime, end: dt.datetime) -> ServiceLevel:
    """The current city's figures for calls that started in [start, end)."""
    return _level(CallRecord.objects.filter(started_at__gte=start, started_at__lt=end).aggregate(**_aggregates()))


def service_levels_by(period: str, *, start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, ServiceLevel]]:
    """The current city's figures per hour, day or month (in the city's time zone)."""
    bucket = TRUNC[period]("started_at", tzinfo=city_tz())
    rows = (CallRecord.objects.filter(started_at__gte=start, started_at__lt=end).annotate(bucket=bucket)
            .values("bucket").annotate(**_aggregates()).order_by("bucket"))
    return [(row["bucket"], _level(row)) for row in rows]


def merge_buckets(series: list[list[tuple[dt.datetime, ServiceLevel]]]) -> list[tuple[dt.datetime, ServiceLevel]]:
    """Several cities' series added up bucket by bucket (the overall figures)."""
    merged: dict[dt.datetime, ServiceLevel] = {}
    for rows in series:
        for bucket, level in rows:
            merged[bucket] = merged.get(bucket, ServiceLevel()) + level
    return sorted(merged.items())
