"""The card counter in the staff console (issue 10): scan field, check-in, boxes, pull list, handover,
walk-ins, no-shows, deadlines, progress, card import.

Views are thin: they read through `booking.selectors`, write through `booking.services` (one
transaction each) and show the services' translated errors. Every page works without JavaScript;
a keyboard-wedge reader types the code then Enter, which submits the focused form.
"""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from booking import barcodes
from booking.cardfiles import BOX_CODE, FIELDS, normalise_box_code
from booking.clock import city_today, local
from booking.documents import card_progress_csv, pull_list_pdf
from booking.errors import BookingError
from booking.selectors.card_import import card_import_mapping, card_import_progress, card_imports
from booking.selectors.cards import (
    STAGES,
    box_contents,
    card_by_serial,
    card_progress,
    cards_flagged,
    deadline_follow_up,
    no_shows,
    scan_resolve,
    storage_boxes,
)
from booking.selectors.lookups import active_places, wards
from booking.selectors.pull_list import handover_view, pull_list
from booking.services.card_import import (
    TASK_ABOVE_BYTES,
    card_import_abandon,
    card_import_mapping_save,
    card_import_start,
)
from booking.services.cards import card_close, card_move, storage_check_in
from booking.services.counter import (
    card_hand_over,
    pull_list_flag_missing,
    pull_list_mark_all_pulled,
    pull_list_mark_pulled,
    walk_in_serve,
    walk_in_slot,
)
from lgwan_access.actors import staff_actor
from lgwan_access.forms.cards import (
    CheckInForm,
    CloseCardForm,
    DayPlaceForm,
    HandoverForm,
    ImportForm,
    MissingForm,
    MoveForm,
    PullScanForm,
    ScanForm,
)
from lgwan_access.guards import staff_admin_console, staff_console
from lgwan_access.models import StaffAccessEntry
from lgwan_access.services.access_log import access_record

PLACE_SESSION_KEY = "cards_counter_place"
CHECK_IN_LOG_KEY = "cards_check_in_scans"
CHECK_IN_LOG_LENGTH = 50


def _refused(request, error: BookingError) -> None:
    for message in error.messages():
        messages.error(request, message)


def _with_query(name: str, **params) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    return f"{reverse(name)}?{query}" if query else reverse(name)


def _box_code(scanned: str) -> str:
    """The box code of a scanned label (BOX-…) or a typed code; "" if it is not a box code."""
    label = barcodes.read_label(scanned)
    code = label[1] if label and label[0] == "box" else normalise_box_code(scanned)
    return code if BOX_CODE.match(code or "") else ""


def _place(request, code: str | None, places=None):
    """The place asked for, else the counter's place remembered in the session, else the first
    (among `places` when the caller has read them already)."""
    places = active_places() if places is None else places
    wanted = code or request.session.get(PLACE_SESSION_KEY)
    place = next((place for place in places if place.code == wanted), None)
    if place is None and code:
        return None
    place = place or (places[0] if places else None)
    if place is not None:
        request.session[PLACE_SESSION_KEY] = place.code
    return place


def _day_and_place(request, source):
    """(form, day, place) from the query string or the posted form; today and the counter's place by default."""
    places = active_places()
    default_place = request.session.get(PLACE_SESSION_KEY) or (places[0].code if places else "")
    data = {"day": source.get("day") or city_today().isoformat(), "place": source.get("place") or default_place}
    form = DayPlaceForm(data, places=places)
    if not form.is_valid():
        return form, None, None
    place = _place(request, form.cleaned_data["place"], places)
    return form, form.cleaned_data["day"], place


# --- scan field (every page) --------------------------------------------------------------------

@staff_console
@require_GET
def scan(request):
    """Open what a scan refers to: a box, a card, a notice (the handover screen) or a booking."""
    form = ScanForm(request.GET)
    if not form.is_valid():
        return render(request, "lgwan_access/cards/scan.html", {"scan_form": form, "not_found": ""}, status=400)
    code = form.cleaned_data["code"]
    result = scan_resolve(code)
    if result.kind == "box":
        return redirect("lgwan_access:cards_box", code=result.box.code)
    if result.kind == "card":
        return redirect("lgwan_access:cards_card", serial=result.card.serial)
    if result.kind in ("notice", "reservation"):
        return redirect(_with_query("lgwan_access:handover", code=result.notice.number))
    # A box label not yet used opens the check-in for that box (its first card files it).
    label = barcodes.read_label(code)
    if label and label[0] == "box" and _box_code(code):
        return redirect(_with_query("lgwan_access:cards_check_in", box=_box_code(code)))
    return render(request, "lgwan_access/cards/scan.html", {"scan_form": form, "not_found": code}, status=404)


# --- check-in and storage (DATA-4) --------------------------------------------------------------

@staff_console
def check_in(request):
    """Scan a box label, then the cards that go in it; each card takes the box's next position."""
    if request.method == "POST":
        form = CheckInForm(request.POST)
        box = _box_code(request.POST.get("box", ""))
        if not box:
            messages.error(request, _("Scan a box label first."))
            return redirect("lgwan_access:cards_check_in")
        if not form.is_valid():
            messages.error(request, _("Scan a card."))
            return redirect(_with_query("lgwan_access:cards_check_in", box=box))
        scanned = form.cleaned_data["card"]
        label = barcodes.read_label(scanned)
        if label and label[0] == "box":  # another box label: go on with that box
            return redirect(_with_query("lgwan_access:cards_check_in", box=_box_code(scanned)))
        shelf = request.POST.get("shelf", "").strip()[:32] or None
        try:
            result = storage_check_in(box=box, serials=[scanned], actor=staff_actor(request), shelf=shelf)
        except BookingError as error:
            messages.error(request, _("Not stored: %(code)s") % {"code": scanned})
            _refused(request, error)
            _log_scan(request, box, scanned, ok=False, result=" ".join(error.messages()))
            return redirect(_with_query("lgwan_access:cards_check_in", box=box, shelf=shelf))
        if result.stored:
            card = result.stored[0]
            said = _("%(serial)s stored in box %(box)s at position %(position)s.") % {
                "serial": card.serial, "box": result.box.code, "position": card.position}
            messages.success(request, said)
        else:
            said = _("%(code)s is already in box %(box)s.") % {"code": scanned, "box": result.box.code}
            messages.info(request, said)
        _log_scan(request, box, scanned, ok=True, result=said)
        return redirect(_with_query("lgwan_access:cards_check_in", box=box, shelf=shelf))
    scanned_box = request.GET.get("box", "").strip()
    box = _box_code(scanned_box) if scanned_box else ""
    if scanned_box and not box:
        messages.error(request, _("“%(code)s” is not a box label.") % {"code": scanned_box[:64]})
    contents = box_contents(box) if box else None
    return render(request, "lgwan_access/cards/check_in.html", {
        "box": box, "contents": contents, "form": CheckInForm(initial={"box": box}),
        "shelf": request.GET.get("shelf", "").strip()[:32],
        "scans": list(reversed(request.session.get(CHECK_IN_LOG_KEY, {}).get(box, []))) if box else [],
        "label_code": barcodes.box_label_code(box) if box else "",
    })


def _log_scan(request, box: str, scanned: str, *, ok: bool, result: str) -> None:
    """This session's scans into a box, newest last (the clerk sees which scans failed, in order)."""
    log = request.session.get(CHECK_IN_LOG_KEY, {})
    entries = log.get(box, [])
    entries.append({"n": (entries[-1]["n"] + 1) if entries else 1, "code": scanned[:64], "ok": ok,
                    "result": result[:300]})
    log[box] = entries[-CHECK_IN_LOG_LENGTH:]
    if len(log) > 5:  # only the last few boxes of this session
        log = dict(list(log.items())[-5:])
    request.session[CHECK_IN_LOG_KEY] = log


@staff_console
@require_GET
def boxes(request):
    return render(request, "lgwan_access/cards/boxes.html", {"boxes": storage_boxes(), "flagged": cards_flagged()})


@staff_console
@require_GET
def box(request, code):
    contents = box_contents(code)
    if contents is None:
        raise Http404
    return render(request, "lgwan_access/cards/box.html", {"contents": contents})


@staff_console
def card(request, serial):
    found = card_by_serial(serial)
    if found is None:
        raise Http404
    form = MoveForm()
    close_form = CloseCardForm(initial={"serial": found.serial})
    if request.method == "POST":
        form = MoveForm(request.POST)
        if form.is_valid():
            box_code = _box_code(form.cleaned_data["box"])
            try:
                if not box_code:
                    raise BookingError(_("“%(code)s” is not a box label.") % {"code": form.cleaned_data["box"]})
                moved = card_move(card=found, box=box_code, position=form.cleaned_data["position"],
                                  actor=staff_actor(request))
            except BookingError as error:
                _refused(request, error)
            else:
                messages.success(request, _("%(serial)s moved to box %(box)s, position %(position)s.")
                                 % {"serial": moved.serial, "box": moved.box.code, "position": moved.position})
                return redirect("lgwan_access:cards_card", serial=found.serial)
    return render(request, "lgwan_access/cards/card.html", {"card": found, "form": form, "close_form": close_form},
                  status=400 if request.method == "POST" else 200)


# --- pull list (DATA-4) -------------------------------------------------------------------------

def _pull_list_url(day, place) -> str:
    return _with_query("lgwan_access:pull_list", day=day.isoformat(), place=place.code)


@staff_console
@require_GET
def pull_list_page(request):
    form, day, place = _day_and_place(request, request.GET)
    lines = pull_list(place=place, day=day) if place else []
    return render(request, "lgwan_access/cards/pull_list.html", {
        "form": form, "day": day, "place": place, "lines": lines,
        "scan_form": PullScanForm(), "pulled": sum(1 for line in lines if line.pulled),
        "to_pull": sum(1 for line in lines if not line.pulled),
    }, status=200 if place else 400)


@staff_console
@require_GET
def pull_list_pdf_download(request):
    _form, day, place = _day_and_place(request, request.GET)
    if place is None:
        raise Http404
    pdf = pull_list_pdf(place=place, day=day, language=get_language() or "ja")
    access_record(request, StaffAccessEntry.Action.PRINT, f"pull-list {place.code} {day.isoformat()}",
                  place=place.code, day=day.isoformat())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="pull-list-{place.code}-{day.isoformat()}.pdf"'
    return response


@staff_console
@require_POST
def pull_list_action(request, action):
    _form, day, place = _day_and_place(request, request.POST)
    if place is None:
        messages.error(request, _("Choose a date and a place."))
        return redirect("lgwan_access:pull_list")
    actor = staff_actor(request)
    try:
        if action == "scan":
            form = PullScanForm(request.POST)
            if not form.is_valid():
                raise BookingError(_("Scan a line, a card or a notice."))
            line = pull_list_mark_pulled(place=place, day=day, scanned=form.cleaned_data["code"], actor=actor,
                                         found_in_box=form.cleaned_data["found_in_box"] or None)
            messages.success(request, _("Pulled: %(code)s.") % {"code": line.reservation.code})
            if line.card is not None and card_by_serial(line.card.serial).flag:
                messages.warning(request, _("%(serial)s was not where the list says; it is flagged.")
                                 % {"serial": line.card.serial})
        elif action == "all":
            count = pull_list_mark_all_pulled(place=place, day=day, actor=actor)
            messages.success(request, _("%(count)s cards marked as pulled.") % {"count": count})
        elif action == "missing":
            form = MissingForm(request.POST)
            if not form.is_valid():
                raise BookingError(_("Scan a line, a card or a notice."))
            line = pull_list_flag_missing(place=place, day=day, scanned=form.cleaned_data["code"],
                                          note=form.cleaned_data["note"], actor=actor)
            messages.warning(request, _("%(serial)s is flagged as missing.") % {"serial": line.card.serial})
        else:
            raise Http404
    except BookingError as error:
        _refused(request, error)
    return redirect(_pull_list_url(day, place))


# --- handover and walk-ins (OPS-2) --------------------------------------------------------------

@staff_console
def handover(request):
    """Scan the notice at the counter: the booking, where the card is, the checks; confirm hands it over."""
    places = active_places()
    if request.method == "POST":
        form = HandoverForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Scan the notice again."))
            return redirect("lgwan_access:handover")
        code, place = form.cleaned_data["notice"], _place(request, form.cleaned_data["place"] or None, places)
        view = handover_view(scanned=code, place=place)
        checks = form.cleaned_data["checks"]
        try:
            if not view.can_hand_over:
                raise BookingError(view.refusal)
            if view.walk_in:
                if place is None:
                    raise BookingError(_("Choose the counter's place."))
                walk_in_serve(notice=view.notice, place=place, actor=staff_actor(request), checks=checks)
            else:
                card_hand_over(notice=view.notice, actor=staff_actor(request), checks=checks)
        except BookingError as error:
            _refused(request, error)
            return _handover_page(request, code=code, place=place, places=places, checks=checks, status=400)
        messages.success(request, _("The card of notice %(number)s was handed over.") % {"number": view.notice.number})
        return redirect(_with_query("lgwan_access:handover", place=place.code if place else ""))
    place = _place(request, request.GET.get("place") or None)
    return _handover_page(request, code=request.GET.get("code", "").strip(), place=place, places=places)


def _handover_page(request, *, code, place, places, checks=(), status=200):
    view = handover_view(scanned=code, place=place) if code else None
    if view is not None and view.notice is not None:
        access_record(request, StaffAccessEntry.Action.VIEW_NOTICE, view.notice.number, page="handover")
    if view is not None and view.notice is None:
        status = 404
    return render(request, "lgwan_access/cards/handover.html", {
        "code": code, "view": view, "place": place, "places": places, "checked": set(checks),
        "walk_in_slot": walk_in_slot(place=place) if view is not None and view.walk_in and place else None,
        "booking_starts": local(view.reservation.slot.starts_at) if view and view.reservation else None,
    }, status=status)


# --- no-shows, deadlines, progress (OPS-2, OPS-3) -----------------------------------------------

@staff_console
@require_GET
def no_shows_page(request):
    form, day, place = _day_and_place(request, request.GET)
    rows = no_shows(day=day, place=place) if place else []
    return render(request, "lgwan_access/cards/no_shows.html", {
        "form": form, "day": day, "place": place,
        "rows": [{"reservation": row, "starts_at": local(row.slot.starts_at),
                  "card": getattr(row.notice, "card", None) if _has_card(row.notice) else None} for row in rows],
    })


def _has_card(notice) -> bool:
    try:
        notice.card  # noqa: B018 - follows the select_related join
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist: no card data for this notice
        return False
    return True


@staff_console
def deadlines(request):
    if request.method == "POST":
        form = CloseCardForm(request.POST)
        found = card_by_serial(request.POST.get("serial", ""))
        if found is None:
            messages.error(request, _("No card with this serial was found."))
        elif not form.is_valid():
            messages.error(request, _("Choose returned or destroyed and give the reason."))
        else:
            try:
                card_close(card=found, outcome=form.cleaned_data["outcome"], reason=form.cleaned_data["reason"],
                           actor=staff_actor(request))
            except BookingError as error:
                _refused(request, error)
            else:
                outcome = dict(form.OUTCOMES)[form.cleaned_data["outcome"]]
                messages.success(request, _("%(serial)s is closed: %(outcome)s.")
                                 % {"serial": found.serial, "outcome": outcome})
        return redirect(_with_query("lgwan_access:deadlines", ward=request.POST.get("ward", "")))
    ward = request.GET.get("ward", "")
    known = wards()
    if ward and ward not in {item.code for item in known}:
        ward = ""
    return render(request, "lgwan_access/cards/deadlines.html", {
        "rows": deadline_follow_up(ward_code=ward or None), "wards": known, "ward": ward,
        "close_form": CloseCardForm(), "today": city_today(),
    })


@staff_console
@require_GET
def progress(request):
    by = request.GET.get("by") if request.GET.get("by") in ("ward", "batch") else "ward"
    if request.GET.get("format") == "csv":
        access_record(request, StaffAccessEntry.Action.EXPORT, f"card-progress {by}", by=by)
        response = HttpResponse(card_progress_csv(by=by, language=get_language() or "ja"),
                                content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="card-progress-{by}-{city_today():%Y%m%d}.csv"'
        return response
    rows = card_progress(by=by)
    return render(request, "lgwan_access/cards/progress.html", {
        "by": by, "stages": STAGES,
        "rows": [{"label": row.label, "counts": [row.counts[key] for key, _label in STAGES], "total": row.total}
                 for row in rows],
    })


# --- card import (DATA-2) -----------------------------------------------------------------------

@staff_console
def imports(request):
    """Upload a J-LIS file: check it (every bad line reported) or import it, all or nothing."""
    form = ImportForm()
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                content = upload.read()
                record = card_import_start(content=content, file_name=upload.name or "",
                                           encoding=form.cleaned_data["encoding"] or None,
                                           dry_run=form.cleaned_data["dry_run"], actor=staff_actor(request),
                                           # a large file is checked by the worker too, with the progress page
                                           in_background=True if len(content) > TASK_ABOVE_BYTES else None)
            except BookingError as error:
                _refused(request, error)
            else:
                return redirect("lgwan_access:cards_import", pk=record.pk)
    return render(request, "lgwan_access/cards/imports.html", {
        "form": form, "imports": card_imports(limit=20), "fields": FIELDS,
    }, status=400 if request.method == "POST" else 200)


@staff_console
def import_detail(request, pk):
    if request.method == "POST":
        if card_import_abandon(card_import_id=pk, actor=staff_actor(request)):
            messages.warning(request, _("The import was abandoned. Nothing of it was written."))
        else:
            messages.info(request, _("The import had already finished."))
        return redirect("lgwan_access:cards_import", pk=pk)
    progress_ = card_import_progress(pk)
    if progress_ is None:
        raise Http404
    return render(request, "lgwan_access/cards/import_detail.html", {"progress": progress_,
                                                                      "record": progress_.card_import})


@staff_admin_console
def import_mapping(request):
    """The city's own layout of the card file (staff_admin): header row or not, which column is which field."""
    mapping = card_import_mapping()
    values = {field.key: mapping.columns.get(field.key, "") for field in FIELDS}
    has_header, encoding, errors = mapping.has_header, mapping.encoding, {}
    if request.method == "POST":
        has_header = request.POST.get("has_header") == "on"
        encoding = request.POST.get("encoding", "")
        values = {field.key: request.POST.get(f"column_{field.key}", "").strip()[:100] for field in FIELDS}
        try:
            card_import_mapping_save(has_header=has_header, columns=values, encoding=encoding,
                                     actor=staff_actor(request))
        except BookingError as error:
            messages.error(request, str(error.message))
            errors = {key: [str(message) for message in found] for key, found in error.errors.items()}
        else:
            messages.success(request, _("The column mapping was saved."))
            return redirect("lgwan_access:cards_import_mapping")
    return render(request, "lgwan_access/cards/import_mapping.html", {
        "rows": [{"field": field, "value": values.get(field.key, ""), "errors": errors.get(field.key, [])}
                 for field in FIELDS],
        "has_header": has_header, "encoding": encoding, "encoding_errors": errors.get("encoding", []),
        "encodings": ImportForm.MAPPING_ENCODINGS,
    }, status=400 if errors else 200)
