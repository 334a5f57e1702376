"""Monthly statements: amounts, tax once per invoice, numbers, frozen once issued, credit notes."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction

from billing.errors import BillingError, FrozenError, NoPlanError
from billing.models import DocumentStatus, Statement, StatementLine, UsageKind
from billing.money import booking_bands, tax_by_rate
from billing.services.plans import parse_tiers
from billing.services.statements import credit_note_issue, statement_draft, statement_issue
from billing.services.usage import UsageEvent, usage_events_record, usage_record_city
from tests.billing.factories import TOKYO, book, cancel, make_plan

pytestmark = pytest.mark.django_db

NOV = dt.date(2026, 11, 1)


def bookings(city, count: int, *, month=NOV) -> None:
    usage_events_record(municipality=city, events=[
        UsageEvent(UsageKind.BOOKING, f"reservation:x{n}", dt.datetime(month.year, month.month, 5, tzinfo=TOKYO))
        for n in range(count)])


def test_tax_is_rounded_once_per_invoice_not_per_line():
    # three lines of 105 yen: 10.5 yen of tax each would round down to 10 per line (30 yen);
    # on the invoice's total of 315 yen the tax is 31 yen
    assert tax_by_rate([(105, 10), (105, 10), (105, 10)]) == {10: (315, 31)}
    assert tax_by_rate([(999, 10)]) == {10: (999, 99)}
    assert tax_by_rate([(1000, 10), (333, 8), (333, 8)]) == {8: (666, 53), 10: (1000, 100)}
    assert tax_by_rate([(-315, 10)]) == {10: (-315, -31)}  # a credit note gives back what was taken


def test_statement_lines_with_fractional_rates_round_per_line_and_tax_once(city_a, platform_admin):
    make_plan(city_a, base_fee_yen=0, per_booking_yen=Decimal("10.5"), per_call_minute_yen=Decimal("10.5"),
              per_ivr_session_yen=Decimal("10.5"))
    bookings(city_a, 10)  # 105 yen
    usage_events_record(municipality=city_a, events=[
        UsageEvent(UsageKind.CALL_MINUTES, "call:t:1", dt.datetime(2026, 11, 6, tzinfo=TOKYO), 10),  # 105 yen
        *[UsageEvent(UsageKind.IVR_SESSION, f"call:t:{n}", dt.datetime(2026, 11, 6, tzinfo=TOKYO))
          for n in range(10)]])  # 105 yen

    statement = statement_draft(municipality=city_a, month=NOV)

    assert [line.amount_yen for line in statement.lines.all()] == [105, 105, 105]
    assert (statement.subtotal_yen, statement.tax_yen, statement.total_yen) == (315, 31, 346)


def test_graduated_bands_price_each_band_at_its_rate(city_a):
    tiers = parse_tiers("100:50, 1000:40, *:30")
    assert [(band.quantity, band.unit_price) for band in booking_bands(1500, tiers, Decimal(0))] == [
        (100, Decimal(50)), (900, Decimal(40)), (500, Decimal(30))]
    make_plan(city_a, base_fee_yen=10000, booking_tiers=tiers, per_booking_yen=Decimal(0))
    bookings(city_a, 150)

    statement = statement_draft(municipality=city_a, month=NOV)

    assert [(line.quantity, line.amount_yen) for line in statement.lines.all()] == [(1, 10000), (100, 5000),
                                                                                    (50, 2000)]
    assert (statement.subtotal_yen, statement.tax_yen, statement.total_yen) == (17000, 1700, 18700)


@pytest.mark.parametrize("text", ["100:50, 50:40, *:30", "100:50", "abc", "*:30, 100:50", "100:-5, *:1"])
def test_bands_written_wrongly_are_refused(text):
    with pytest.raises(BillingError):
        parse_tiers(text)


@pytest.mark.parametrize("credits, billed", [(True, 1), (False, 2)])
def test_a_booking_cancelled_in_its_month_is_billed_as_the_plan_says(city_a, credits, billed):
    make_plan(city_a, base_fee_yen=0, per_booking_yen=Decimal(100), credit_cancelled_in_month=credits)
    book(city_a, dt.datetime(2026, 11, 2, 10, tzinfo=TOKYO))
    cancelled = book(city_a, dt.datetime(2026, 11, 2, 11, tzinfo=TOKYO))
    cancel(city_a, cancelled, dt.datetime(2026, 11, 20, 10, tzinfo=TOKYO))
    usage_record_city(municipality=city_a, now=dt.datetime(2026, 12, 1, 1, tzinfo=TOKYO))

    statement = statement_draft(municipality=city_a, month=NOV)

    assert statement.lines.get(kind="booking").quantity == billed
    assert statement.subtotal_yen == 100 * billed


def test_a_cancellation_in_a_later_month_does_not_change_the_month_billed(city_a):
    make_plan(city_a, base_fee_yen=0, per_booking_yen=Decimal(100))
    late = book(city_a, dt.datetime(2026, 11, 28, 10, tzinfo=TOKYO))
    cancel(city_a, late, dt.datetime(2026, 12, 2, 10, tzinfo=TOKYO))
    usage_record_city(municipality=city_a, now=dt.datetime(2026, 12, 3, tzinfo=TOKYO))

    assert statement_draft(municipality=city_a, month=NOV).subtotal_yen == 100
    assert statement_draft(municipality=city_a, month=dt.date(2026, 12, 1)).subtotal_yen == 0


def test_no_plan_no_statement(city_b):
    with pytest.raises(NoPlanError):
        statement_draft(municipality=city_b, month=NOV)
    assert not Statement.objects.filter(municipality=city_b).exists()


def test_issued_statements_get_sequential_numbers_per_year(city_a, city_b, platform_admin):
    make_plan(city_a)
    make_plan(city_b)
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, tzinfo=TOKYO), tick=False):
        first = statement_issue(statement=statement_draft(municipality=city_a, month=NOV), actor=platform_admin)
        second = statement_issue(statement=statement_draft(municipality=city_b, month=NOV), actor=platform_admin)
    with time_machine.travel(dt.datetime(2027, 1, 5, 10, tzinfo=TOKYO), tick=False):
        third = statement_issue(statement=statement_draft(municipality=city_a, month=dt.date(2026, 12, 1)),
                                actor=platform_admin)

    assert (first.number, second.number, third.number) == ("MDG-2026-000001", "MDG-2026-000002", "MDG-2027-000001")
    assert first.issuer_registration_number == "T1234567890123"


def test_an_issued_statement_is_frozen_and_corrected_by_a_credit_note(city_a, platform_admin):
    make_plan(city_a, base_fee_yen=50000, per_booking_yen=Decimal(100))
    bookings(city_a, 10)
    issued = statement_issue(statement=statement_draft(municipality=city_a, month=NOV), actor=platform_admin)
    assert (issued.subtotal_yen, issued.tax_yen, issued.total_yen) == (51000, 5100, 56100)

    # more usage arrives late: drafting again leaves the issued statement as it was
    bookings(city_a, 20, month=NOV)
    again = statement_draft(municipality=city_a, month=NOV)
    assert (again.pk, again.total_yen, again.status) == (issued.pk, 56100, DocumentStatus.ISSUED)
    with pytest.raises(FrozenError):
        statement_issue(statement=issued, actor=platform_admin)

    # the database refuses an edit that goes around the services
    for edit in (lambda: Statement.objects.filter(pk=issued.pk).update(total_yen=1),
                 lambda: StatementLine.objects.filter(statement=issued).update(amount_yen=1),
                 lambda: StatementLine.objects.filter(statement=issued).delete(),
                 lambda: Statement.objects.filter(pk=issued.pk).delete()):
        with pytest.raises(IntegrityError), transaction.atomic():
            edit()
    issued.refresh_from_db()
    assert issued.total_yen == 56100 and issued.lines.count() == 2

    note = credit_note_issue(statement=issued, actor=platform_admin, reason="基本料金の誤り", amount_yen=1000)
    assert (note.kind, note.corrects_id, note.status) == (Statement.Kind.CREDIT_NOTE, issued.pk, DocumentStatus.ISSUED)
    assert (note.subtotal_yen, note.tax_yen, note.total_yen) == (-1000, -100, -1100)
    assert note.number.startswith("MDGC-") and note.number.endswith("-000001")
    with pytest.raises(IntegrityError), transaction.atomic():
        Statement.objects.filter(pk=note.pk).update(reason="changed")

    # no more can be credited than the invoice billed
    with pytest.raises(BillingError):
        credit_note_issue(statement=issued, actor=platform_admin, reason="again", amount_yen=50001)
    rest = credit_note_issue(statement=issued, actor=platform_admin, reason="全額取消")
    assert rest.subtotal_yen == -50000
    assert Statement.objects.filter(corrects=issued).count() == 2


def test_a_draft_cannot_get_a_credit_note_and_a_reason_is_required(city_a, platform_admin):
    make_plan(city_a)
    draft = statement_draft(municipality=city_a, month=NOV)
    with pytest.raises(BillingError):
        credit_note_issue(statement=draft, actor=platform_admin, reason="x", amount_yen=1)
    issued = statement_issue(statement=draft, actor=platform_admin)
    with pytest.raises(BillingError):
        credit_note_issue(statement=issued, actor=platform_admin, reason="  ", amount_yen=1)
    assert not Statement.objects.filter(kind=Statement.Kind.CREDIT_NOTE).exists()


def test_the_scheduled_task_drafts_last_months_statement_of_every_city_with_a_plan(city_a, city_b):
    from billing.tasks import draft_statements_for_all_cities

    make_plan(city_a, base_fee_yen=0, per_booking_yen=Decimal(100))
    book(city_a, dt.datetime(2026, 11, 2, 10, tzinfo=TOKYO))
    with time_machine.travel(dt.datetime(2026, 12, 1, 6, tzinfo=TOKYO), tick=False):
        assert draft_statements_for_all_cities() == 1  # city B has no plan: no statement
        draft_statements_for_all_cities()  # twice: still one draft per city and month

    statement = Statement.objects.get(municipality=city_a, month=NOV)
    assert (statement.status, statement.subtotal_yen, statement.number) == (DocumentStatus.DRAFT, 100, None)
    assert not Statement.objects.filter(municipality=city_b).exists()
