"""Imports through the staff API: a dry run adds nothing, a bad file adds nothing and names every bad line."""
from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from booking.models import Card, Notice
from tests.booking.factories import card_csv, card_line

NOTICE_IMPORT = "/api/staff/v1/imports/notices/"
CARD_IMPORT = "/api/staff/v1/imports/cards/"


def _notices_csv(*lines: str) -> SimpleUploadedFile:
    body = "notice_number,birth_day,ward\n" + "\n".join(lines) + "\n"
    return SimpleUploadedFile("notices.csv", body.encode("utf-8"), content_type="text/csv")


def _count(city, model) -> int:
    with tenant_context(city):
        return model.objects.count()


def test_notices_import_dry_run_then_for_real(admin_api_a, city_a):
    before = _count(city_a, Notice)
    lines = ("IMP-000001,7,kita", "IMP-000002,12,minami")
    dry = admin_api_a.post(NOTICE_IMPORT, {"file": _notices_csv(*lines), "dry_run": "true"})
    assert dry.status_code == 200, dry.content
    assert dry.json() == {"dry_run": True, "created": 2}
    assert _count(city_a, Notice) == before
    done = admin_api_a.post(NOTICE_IMPORT, {"file": _notices_csv(*lines)})
    assert done.status_code == 201 and done.json() == {"dry_run": False, "created": 2}
    assert _count(city_a, Notice) == before + 2


def test_a_notices_file_with_bad_lines_adds_nothing_and_names_each_line(admin_api_a, city_a):
    before = _count(city_a, Notice)
    response = admin_api_a.post(NOTICE_IMPORT, {"file": _notices_csv("IMP-000010,7,kita", "IMP-000011,40,kita",
                                                                      "IMP-000012,7,nowhere")})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "notice_import"
    lines = error["fields"]["lines"]
    assert len(lines) == 2 and "3" in lines[0] and "4" in lines[1]
    assert _count(city_a, Notice) == before


def test_staff_import_as_on_the_console(api_a, city_a):
    before = _count(city_a, Notice)
    done = api_a.post(NOTICE_IMPORT, {"file": _notices_csv("IMP-000020,7,kita")})
    assert done.status_code == 201
    assert _count(city_a, Notice) == before + 1
    content = card_csv([card_line(901)])
    dry = api_a.post(CARD_IMPORT, {"file": SimpleUploadedFile("cards.csv", content), "dry_run": "true"})
    assert dry.status_code == 200
    assert _count(city_a, Card) == 0


def test_card_import_dry_run_changes_nothing_then_imports(admin_api_a, city_a):
    content = card_csv([card_line(801), card_line(802)])
    dry = admin_api_a.post(CARD_IMPORT, {"file": SimpleUploadedFile("cards.csv", content), "dry_run": "true"})
    assert dry.status_code == 200, dry.content
    assert dry.json()["status"] == "done" and dry.json()["cards_created"] == 2
    assert _count(city_a, Card) == 0
    done = admin_api_a.post(CARD_IMPORT, {"file": SimpleUploadedFile("cards.csv", content)})
    assert done.status_code == 201 and done.json()["cards_created"] == 2
    assert _count(city_a, Card) == 2
    again = admin_api_a.get(f"{CARD_IMPORT}{done.json()['id']}/")
    assert again.status_code == 200 and again.json()["status"] == "done"


def test_a_card_file_with_bad_lines_changes_nothing_and_names_each_line(admin_api_a, city_a):
    content = card_csv([card_line(811, birth_date="1985-13-40"), card_line(812, ward="nowhere")])
    response = admin_api_a.post(CARD_IMPORT, {"file": SimpleUploadedFile("cards.csv", content)})
    assert response.status_code == 400
    lines = response.json()["error"]["fields"]["lines"]
    assert len(lines) >= 2
    assert _count(city_a, Card) == 0
