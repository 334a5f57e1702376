"""Importing card production data (DATA-2): the whole file lands, or nothing and every bad line.

    record = card_import_start(content=..., file_name=..., actor=...)   # runs now, or as a task if large
    card_import_run(card_import_id=record.pk)                           # what the task calls
    card_import_abandon(card_import_id=..., actor=...)                  # nothing lands

Each import is a `CardImport` row (who, when, file hash, counts, errors by line and column) whose
progress is committed as the lines are checked, so a page can show it while the task runs. The
write itself is one transaction: cards are created or updated by serial, notices by number (and
created when the city imports cards before notices), boxes as named. Re-importing the same or an
overlapping file updates, never duplicates. Two imports never write at once (an advisory lock);
when another import landed while this one was checking, the file is checked again under the lock.
"""
from __future__ import annotations

import hashlib

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.cardfiles import FIELD_BY_KEY, FIELDS, MAX_COLUMNS
from booking.errors import CardImportError
from booking.models import Card, CardImport, CardImportMapping, CardStatus, Notice, NoticeStatus, StorageBox, Ward
from booking.selectors.card_import import MAX_ERRORS_KEPT, ImportPlan, card_import_mapping, card_import_plan
from booking.services.audit import Actor, audit_record, audit_record_many
from booking.services.bulk import ids_reserve, rows_copy
from booking.services.notices import default_place_for
from kernel.tasking import enqueue_on_commit

RUN_CARD_IMPORT = "booking.run_card_import"
TASK_ABOVE_BYTES = 256 * 1024  # larger files are imported by a worker, with progress in the database
_LOCK_KEY = "booking.card_import"
_Status = CardImport.Status


class _Abandoned(Exception):
    pass


class _Stale(Exception):
    """Another import landed while this one was checking, and the file no longer fits."""

    def __init__(self, plan: ImportPlan):
        self.plan = plan


def card_import_start(*, content: bytes, actor: Actor, file_name: str = "", encoding: str | None = None,
                      dry_run: bool = False, in_background: bool | None = None) -> CardImport:
    """Record the upload and run it: now (small files, dry runs), or as a task (`in_background`, large files)."""
    if not content:
        raise CardImportError(_("The file is empty."))
    record = CardImport.objects.create(
        created_by=actor.user, actor_label=actor.label[:150], file_name=file_name[:200],
        file_sha256=hashlib.sha256(content).hexdigest(), file_size=len(content), encoding=encoding or "",
        dry_run=dry_run, content=content,
    )
    background = in_background if in_background is not None else (len(content) > TASK_ABOVE_BYTES and not dry_run)
    if background:
        enqueue_on_commit(RUN_CARD_IMPORT, record.pk)
        return record
    return card_import_run(card_import_id=record.pk)


def card_import_run(*, card_import_id: int) -> CardImport:
    """Check and write one recorded import; safe to run twice (only a waiting import is taken)."""
    claimed = CardImport.objects.filter(pk=card_import_id, status=_Status.PENDING).update(
        status=_Status.VALIDATING, started_at=timezone.now())
    record = CardImport.objects.get(pk=card_import_id)
    if not claimed:
        return record
    try:
        plan = _checked_plan(record)
        if not plan.ok:
            return _finish(record, _Status.FAILED, plan)
        if record.dry_run:
            return _finish(record, _Status.DONE, plan)
        if not _advance(record.pk, _Status.VALIDATING, _Status.WRITING):
            raise _Abandoned()
        with transaction.atomic():
            _lock_imports()
            if _another_import_landed(record):
                plan = _checked_plan(record, progress=False)
                if not plan.ok:
                    raise _Stale(plan)
            _write(record, plan)
            if not _advance(record.pk, _Status.WRITING, _Status.DONE, **_counts(plan)):
                raise _Abandoned()
    except _Abandoned:
        return _cleared(record.pk)
    except _Stale as stale:
        return _finish(record, _Status.FAILED, stale.plan, only_from=_Status.WRITING)
    except IntegrityError:
        failed = ImportPlan(fatal=str(_("Other changes to the same cards were saved meanwhile. Import again.")))
        return _finish(record, _Status.FAILED, failed, only_from=_Status.WRITING)
    return _cleared(record.pk)


def card_import_abandon(*, card_import_id: int, actor: Actor) -> bool:
    """Stop an import that has not finished; nothing of it lands. False if it had already finished."""
    stopped = CardImport.objects.filter(
        pk=card_import_id, status__in=[_Status.PENDING, _Status.VALIDATING, _Status.WRITING],
    ).update(status=_Status.ABANDONED, finished_at=timezone.now(), content=None)
    if stopped:
        audit_record(actor=actor, action="cards.import.abandon", changes={"import": card_import_id})
    return bool(stopped)


def card_import_mapping_save(*, has_header: bool, columns: dict, encoding: str, actor: Actor) -> CardImportMapping:
    """Save the city's column mapping (staff_admin): field → header text, or column number without a header."""
    errors: dict[str, list] = {}
    cleaned: dict[str, object] = {}
    for key, where in (columns or {}).items():
        if key not in FIELD_BY_KEY:
            errors.setdefault(key, []).append(_("Unknown field."))
            continue
        if where in (None, ""):
            continue
        if has_header:
            cleaned[key] = str(where).strip()[:100]
        elif str(where).strip().isdigit() and 1 <= int(str(where).strip()) <= MAX_COLUMNS:
            cleaned[key] = int(str(where).strip())
        else:
            errors.setdefault(key, []).append(_("Give the column's number (1 = first column)."))
    for field in FIELDS:
        if field.required and field.key not in cleaned and field.key not in errors:
            errors.setdefault(field.key, []).append(_("This field is required."))
    taken: dict[str, str] = {}
    for key, where in cleaned.items():
        if str(where).lower() in taken:
            errors.setdefault(key, []).append(_("Another field uses the same column."))
        taken[str(where).lower()] = key
    if encoding not in CardImportMapping.Encoding.values:
        errors.setdefault("encoding", []).append(_("Choose UTF-8, Shift_JIS (CP932) or detection."))
    if errors:
        raise CardImportError(_("The column mapping was not saved."), errors=errors)
    with transaction.atomic():
        mapping = card_import_mapping()
        before = {"has_header": mapping.has_header, "columns": mapping.columns, "encoding": mapping.encoding}
        mapping.has_header, mapping.columns, mapping.encoding = has_header, cleaned, encoding
        mapping.updated_by_label = actor.label[:150]
        mapping.save()
        audit_record(actor=actor, action="cards.mapping.save",
                     changes={"before": before, "after": {"has_header": has_header, "columns": cleaned,
                                                          "encoding": encoding}})
    return mapping


def _checked_plan(record: CardImport, *, progress: bool = True) -> ImportPlan:
    def report(done: int, total: int) -> None:
        if not CardImport.objects.filter(pk=record.pk, status=_Status.VALIDATING).update(
                processed_lines=done, total_lines=total):
            raise _Abandoned()

    content = CardImport.objects.filter(pk=record.pk).values_list("content", flat=True).first()
    if content is None:
        raise _Abandoned()
    plan = card_import_plan(content=bytes(content), encoding=record.encoding or None,
                            progress=report if progress else None)
    CardImport.objects.filter(pk=record.pk).update(encoding=plan.encoding)
    return plan


def _advance(pk: int, from_status: str, to_status: str, **fields) -> bool:
    """Move the import on, unless it was abandoned meanwhile."""
    if to_status in (_Status.DONE, _Status.FAILED):
        fields.update(finished_at=timezone.now(), content=None)
    return bool(CardImport.objects.filter(pk=pk, status=from_status).update(status=to_status, **fields))


def _counts(plan: ImportPlan) -> dict:
    counts = plan.counts
    return {"total_lines": plan.total_lines, "processed_lines": plan.total_lines,
            "cards_created": counts["created"], "cards_updated": counts["updated"],
            "cards_unchanged": counts["unchanged"], "cards_skipped": counts["skipped"],
            "notices_created": counts["notices_created"]}


def _finish(record: CardImport, status: str, plan: ImportPlan, only_from=None) -> CardImport:
    errors = [error.as_dict() for error in plan.errors[:MAX_ERRORS_KEPT]]
    if plan.fatal:
        errors.insert(0, {"line": plan.fatal_line, "column": None, "header": "", "field": "",
                          "message": plan.fatal})
    fields = _counts(plan) if plan.ok else {"total_lines": plan.total_lines, "processed_lines": plan.total_lines}
    _advance(record.pk, only_from or _Status.VALIDATING, status, errors=errors,
             error_count=len(plan.errors) + (1 if plan.fatal else 0), **fields)
    return _cleared(record.pk)


def _cleared(pk: int) -> CardImport:
    """The record as it ended; the file is no longer kept once the import is over."""
    CardImport.objects.filter(pk=pk, status__in=[_Status.DONE, _Status.FAILED, _Status.ABANDONED],
                              content__isnull=False).update(content=None)
    return CardImport.objects.defer("content").get(pk=pk)


def _lock_imports() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || %s))", [_LOCK_KEY])


def _another_import_landed(record: CardImport) -> bool:
    started = CardImport.objects.filter(pk=record.pk).values_list("started_at", flat=True).first()
    return CardImport.objects.filter(status=_Status.DONE, dry_run=False, finished_at__gte=started).exclude(
        pk=record.pk).exists()


def _write(record: CardImport, plan: ImportPlan) -> None:
    """Carry the plan out: new notices and cards by COPY (ids drawn first), updates in batches, audit rows."""
    now = timezone.now()
    boxes = _boxes(plan)
    places = {ward.pk: getattr(default_place_for(ward), "pk", None) for ward in Ward.objects.all()}
    creating = [line for line in plan.lines if line.notice_action == "create"]
    new_ids = dict(zip((line.line for line in creating), ids_reserve("booking_notice", len(creating)), strict=True))
    rows_copy("booking_notice", NOTICE_COLUMNS, (
        (new_ids[line.line], line.values["notice_number"], line.values["birth_date"].day,
         line.values["birth_date"].month, line.ward_id, places[line.ward_id], line.values.get("mailed_on"),
         line.values.get("pickup_deadline"), NoticeStatus.MAILED, now, now)
        for line in creating))
    _update_notices(plan)
    _check_abandoned(record)

    def notice_of(line) -> int:
        return new_ids.get(line.line) or line.notice_id

    rows_copy("booking_card", CARD_COLUMNS, (_card_row(line, notice_of(line), boxes, record, now)
                                             for line in plan.lines if line.action == "create"))
    _check_abandoned(record)
    _update_cards(plan, boxes, record, now)
    changes = {
        notice_of(line): {
            "import": record.pk, "line": line.line, "card": "created" if line.action == "create" else "updated",
            "fields": list(line.changed) + (["location"] if line.locate else []),
            "notice": line.notice_action if line.notice_action != "keep" else "",
        }
        for line in plan.lines if line.action in ("create", "update")
    }
    audit_record_many(actor=_record_actor(record), action="card.import", changes_by_notice_id=changes)


NOTICE_COLUMNS = ("id", "number", "birth_day", "birth_month", "ward_id", "default_place_id", "mailed_on",
                  "expires_on", "status", "status_changed_at", "created_at")
CARD_COLUMNS = ("notice_id", "serial", "dispatch_number", "name_kanji", "name_kana", "birth_date", "card_expires_on",
                "certificate_expires_on", "arrived_on", "batch", "box_id", "position", "status",
                "status_changed_at", "closing_reason", "flag", "flag_note", "last_import_id", "created_at")


def _card_row(line, notice_id: int, boxes: dict, record: CardImport, now) -> tuple:
    values = line.values
    box_id, position, status = None, None, CardStatus.RECEIVED
    if line.locate:
        box_id, position, status = boxes[values["box"]], values["position"], CardStatus.STORED
    return (notice_id, values["card_serial"], values["dispatch_number"], values["name_kanji"], values["name_kana"],
            values["birth_date"], values.get("card_expires_on"), values.get("certificate_expires_on"),
            values.get("received_on"), values["batch"], box_id, position, status, now, "", "", "", record.pk, now)


def _record_actor(record: CardImport) -> Actor:
    from booking.models import AuditEntry, Channel

    if record.created_by_id:
        return Actor(kind=AuditEntry.ActorKind.USER, channel=Channel.STAFF, user=record.created_by,
                     label=record.actor_label)
    return Actor.system(record.actor_label or "card import")


def _boxes(plan: ImportPlan) -> dict[str, int]:
    wanted = {}
    for line in plan.lines:
        if line.locate:
            wanted.setdefault(line.values["box"], line.values.get("shelf", ""))
    existing = dict(StorageBox.objects.filter(code__in=list(wanted)).values_list("code", "pk"))
    StorageBox.objects.bulk_create([StorageBox(code=code, shelf=shelf) for code, shelf in wanted.items()
                                    if code not in existing])
    return dict(StorageBox.objects.filter(code__in=list(wanted)).values_list("code", "pk"))


def _card_values(values: dict) -> dict:
    return {"dispatch_number": values["dispatch_number"], "name_kanji": values["name_kanji"],
            "name_kana": values["name_kana"], "birth_date": values["birth_date"],
            "card_expires_on": values.get("card_expires_on"),
            "certificate_expires_on": values.get("certificate_expires_on"),
            "arrived_on": values.get("received_on"), "batch": values["batch"]}


def _update_cards(plan: ImportPlan, boxes: dict, record: CardImport, now) -> list[Card]:
    lines = [line for line in plan.lines if line.action == "update"]
    cards = {card.pk: card for card in Card.objects.filter(pk__in=[line.card_id for line in lines])}
    fields = {"last_import"}
    for line in lines:
        card = cards[line.card_id]
        card.last_import_id = record.pk
        values = _card_values(line.values)
        for name in line.changed:
            setattr(card, name, values[name])
            fields.add(name)
        if line.locate:
            card.box_id, card.position = boxes[line.values["box"]], line.values["position"]
            fields |= {"box", "position"}
            if card.status == CardStatus.RECEIVED:
                card.status, card.status_changed_at = CardStatus.STORED, now
                fields |= {"status", "status_changed_at"}
    Card.objects.bulk_update(cards.values(), sorted(fields), batch_size=1000)
    return list(cards.values())


def _update_notices(plan: ImportPlan) -> None:
    lines = [line for line in plan.lines if line.notice_action == "update"]
    notices = {notice.pk: notice for notice in Notice.objects.filter(pk__in=[line.notice_id for line in lines])}
    fields = set()
    for line in lines:
        notice = notices[line.notice_id]
        for name in line.notice_changed:
            setattr(notice, name, line.values["mailed_on" if name == "mailed_on" else "pickup_deadline"])
            fields.add(name)
    if fields:
        Notice.objects.bulk_update(notices.values(), sorted(fields), batch_size=1000)


def _check_abandoned(record: CardImport) -> None:
    """Inside the write: another transaction's abandon is visible to this new statement."""
    if CardImport.objects.filter(pk=record.pk, status=_Status.ABANDONED).exists():
        raise _Abandoned()
