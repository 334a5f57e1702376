"""Monthly statements: drafted from usage and plan, issued with a number, frozen, corrected by credit notes.

Numbers follow the usual Japanese practice of one sequential series per issuer and year
(`MDG-2026-000123`; credit notes `MDGC-2026-000007`), given when a statement is issued, from a
counter row locked in the issuing transaction: no gaps, no duplicates. The qualified invoice
(適格請求書) shows the issuer's registration number (T + 13 digits), the total per tax rate and the
tax on it, rounded once per invoice and rate (`billing.money`).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing.errors import BillingError, FrozenError, NoPlanError
from billing.models import DocumentStatus, InvoiceSequence, Plan, Statement, StatementLine
from billing.money import booking_bands, line_amount, tax_by_rate
from billing.selectors import creditable_yen, plan_for_month, usage_totals
from tenants.models import Municipality, User
from tenants.services.audit import platform_audit_record

DRAFT_LOCK = 7301  # advisory lock class of billing's drafts (the second key is the city)


def _issuer() -> dict:
    return {"issuer_name": settings.BILLING_ISSUER_NAME,
            "issuer_registration_number": settings.BILLING_ISSUER_REGISTRATION_NUMBER}


def _lines_for(municipality: Municipality, month: dt.date) -> tuple[list[StatementLine], Plan]:
    plan = plan_for_month(municipality, month)
    if plan is None:
        raise NoPlanError()
    usage = usage_totals(municipality, month)
    rate = settings.BILLING_TAX_RATE_PERCENT
    bookings = usage["booking"]
    if plan.credit_cancelled_in_month:
        bookings = max(0, bookings - usage["booking_cancelled_same_month"])
    lines = []
    with translation.override("ja"):  # the statement is a Japanese document, whatever the admin's language
        if plan.base_fee_yen:
            lines.append(("base_fee", _("Monthly base fee"), 1, Decimal(plan.base_fee_yen)))
        for band in booking_bands(bookings, plan.booking_tiers, plan.per_booking_yen):
            if not plan.booking_tiers:
                label = _("Bookings")
            elif band.up_to is not None:
                label = _("Bookings (band up to %(up_to)s)") % {"up_to": band.up_to}
            else:
                label = _("Bookings (further band)")
            lines.append(("booking", label, band.quantity, band.unit_price))
        if usage["call_minutes"] and plan.per_call_minute_yen:
            lines.append(("call_minutes", _("Call minutes"), usage["call_minutes"], plan.per_call_minute_yen))
        if usage["ivr_session"] and plan.per_ivr_session_yen:
            lines.append(("ivr_session", _("Automated calls (IVR)"), usage["ivr_session"], plan.per_ivr_session_yen))
    return [StatementLine(position=index, kind=kind, label=label, quantity=quantity, unit_price_yen=price,
                          amount_yen=line_amount(quantity, price), tax_rate_percent=rate)
            for index, (kind, label, quantity, price) in enumerate(lines, start=1)], plan


def _totals(statement: Statement, lines: list[StatementLine]) -> None:
    by_rate = tax_by_rate([(line.amount_yen, line.tax_rate_percent) for line in lines])
    statement.subtotal_yen = sum(total for total, _tax in by_rate.values())
    statement.tax_yen = sum(tax for _total, tax in by_rate.values())
    statement.total_yen = statement.subtotal_yen + statement.tax_yen


def draft_lock(municipality: Municipality) -> None:
    """Two drafts of one city at once (the task and an admin) take turns: the second finds the first's row."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [DRAFT_LOCK, municipality.pk])


def statement_draft(*, municipality: Municipality, month: dt.date) -> Statement:
    """The month's invoice as a draft, computed afresh from usage and plan; an issued one is left alone."""
    month = month.replace(day=1)
    with transaction.atomic():
        draft_lock(municipality)
        statement = (Statement.objects.select_for_update()
                     .filter(municipality=municipality, month=month, kind=Statement.Kind.INVOICE).first())
        if statement is not None and statement.is_issued:
            return statement
        lines, plan = _lines_for(municipality, month)
        if statement is None:
            statement = Statement(municipality=municipality, month=month, kind=Statement.Kind.INVOICE)
        else:
            statement.lines.all().delete()
        statement.__dict__.update(_issuer())
        statement.recipient_name = municipality.name
        statement.date_style = plan.date_style
        _totals(statement, lines)
        statement.save()
        for line in lines:
            line.statement = statement
        StatementLine.objects.bulk_create(lines)
    return statement


DRAFT_BATCH = 100  # cities per commit in the scheduled drafting (each city's draft is a savepoint)


def statements_draft_all(*, month: dt.date, cities) -> int:
    """Draft the month's invoice of every city that has a plan (the scheduled task); returns the count.

    Cities are committed a hundred at a time: one commit per city made the commit the slowest part.
    """
    drafted = 0
    cities = list(cities)
    for start in range(0, len(cities), DRAFT_BATCH):
        with transaction.atomic():
            for municipality in cities[start:start + DRAFT_BATCH]:
                try:
                    statement_draft(municipality=municipality, month=month)
                except NoPlanError:
                    continue
                drafted += 1
    return drafted


def _next_number(series: str, year: int) -> str:
    InvoiceSequence.objects.get_or_create(series=series, year=year)
    sequence = InvoiceSequence.objects.select_for_update().get(series=series, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{series}-{year}-{sequence.last:06d}"


def statement_issue(*, statement: Statement, actor: User) -> Statement:
    """Give the draft its number and freeze it (the database refuses any later change)."""
    now = timezone.now()
    with transaction.atomic():
        locked = Statement.objects.select_for_update().get(pk=statement.pk)
        if locked.is_issued:
            raise FrozenError(gettext_lazy("This statement is already issued."))
        if locked.kind != Statement.Kind.INVOICE:
            raise BillingError()
        locked.number = _next_number(settings.BILLING_INVOICE_SERIES, timezone.localdate(now).year)
        locked.status, locked.issued_at = DocumentStatus.ISSUED, now
        locked.issued_by_label = actor.get_username()
        locked.save(update_fields=["number", "status", "issued_at", "issued_by_label"])
        platform_audit_record(actor=actor, action="billing.statement.issue", municipality=locked.municipality,
                              changes={"number": locked.number, "month": locked.month.isoformat(),
                                       "total_yen": locked.total_yen})
    return locked


def credit_note_issue(*, statement: Statement, actor: User, reason: str, amount_yen: int | None = None) -> Statement:
    """A credit note that takes `amount_yen` (excluding tax; None: everything still creditable) off an
    issued invoice; issued at once with its own number, the invoice itself stays as it was."""
    reason = (reason or "").strip()
    if not reason:
        raise BillingError(gettext_lazy("Say why the statement is corrected."), field="reason")
    now = timezone.now()
    with transaction.atomic():
        invoice = Statement.objects.select_for_update().get(pk=statement.pk)
        if not invoice.is_issued or invoice.kind != Statement.Kind.INVOICE:
            raise BillingError(gettext_lazy("Only an issued invoice can be corrected by a credit note."))
        creditable = creditable_yen(invoice)
        amount = creditable if amount_yen is None else amount_yen
        if amount <= 0 or amount > creditable:
            raise BillingError(gettext_lazy("Enter an amount between 1 and %(max)s yen.") % {"max": creditable},
                               field="amount_yen")
        with translation.override("ja"):
            label = _("Correction of %(number)s: %(reason)s") % {"number": invoice.number, "reason": reason}
        line = StatementLine(position=1, kind="correction", label=label[:200], quantity=1,
                             unit_price_yen=Decimal(-amount), amount_yen=-amount,
                             tax_rate_percent=settings.BILLING_TAX_RATE_PERCENT)
        note = Statement(municipality=invoice.municipality, kind=Statement.Kind.CREDIT_NOTE, month=invoice.month,
                         corrects=invoice, reason=reason[:300], recipient_name=invoice.recipient_name,
                         date_style=invoice.date_style, issuer_name=invoice.issuer_name,
                         issuer_registration_number=invoice.issuer_registration_number)
        _totals(note, [line])
        note.save()
        line.statement = note
        line.save()
        note.number = _next_number(settings.BILLING_CREDIT_NOTE_SERIES, timezone.localdate(now).year)
        note.status, note.issued_at, note.issued_by_label = DocumentStatus.ISSUED, now, actor.get_username()
        note.save(update_fields=["number", "status", "issued_at", "issued_by_label"])
        platform_audit_record(actor=actor, action="billing.credit_note.issue", municipality=invoice.municipality,
                              changes={"number": note.number, "corrects": invoice.number, "subtotal_yen": -amount},
                              reason=reason)
    return note
