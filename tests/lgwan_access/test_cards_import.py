"""The card import page (DATA-2): upload a J-LIS file, every bad line reported with its column, all
or nothing, the same file twice changes nothing; the page is the same path as `manage.py import_cards`."""
from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from booking.models import Card, CardImport, Notice
from tests.booking.factories import card_csv, card_line

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(client_a, staff_a, in_city_a):
    client_a.force_login(staff_a)
    return client_a


def upload(clerk, content: bytes, *, name="cards.csv", encoding="", dry_run=False):
    data = {"file": SimpleUploadedFile(name, content, content_type="text/csv"), "encoding": encoding}
    if dry_run:
        data["dry_run"] = "on"
    return clerk.post("/staff/cards/imports/", data, follow=True)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_a_cp932_file_with_gaiji_and_a_bad_line_lands_nothing_and_shows_every_error(clerk):
    lines = [card_line(1, name_kanji="\ue000田　一郎"), card_line(2, birth_date="2026-13-45"),
             card_line(3, ward="nowhere")]
    response = upload(clerk, card_csv(lines, encoding="cp932"), encoding="cp932")
    page = text(response)
    assert "何も取り込んでいません" in page
    rows = response.content.decode().split('data-testid="import-errors"')[1]
    assert re.search(r"<td>3</td><td>\d+ \(birth_date\)</td>", rows)  # line 3 of the file (after the header)
    assert re.search(r"<td>4</td><td>\d+ \(ward\)</td>", rows)
    assert not Card.objects.filter(serial__in=["SN0000000001", "SN0000000002", "SN0000000003"]).exists()
    assert not Notice.objects.filter(number="ABC000001").exists()
    assert CardImport.objects.get().status == CardImport.Status.FAILED


def test_a_good_file_lands_whole_keeps_gaiji_and_the_same_file_again_changes_nothing(clerk):
    content = card_csv([card_line(11, name_kanji="\ue000田　一郎"), card_line(12)], encoding="cp932")
    checked = upload(clerk, content, dry_run=True)
    assert "確認のみ" in text(checked) and not Card.objects.filter(serial="SN0000000011").exists()
    first = upload(clerk, content)
    assert re.search(r'data-testid="created">2<', first.content.decode())
    assert Card.objects.get(serial="SN0000000011").name_kanji == "\ue000田　一郎"
    upload(clerk, content)
    record = CardImport.objects.filter(dry_run=False).first()
    assert (record.cards_created, record.cards_unchanged) == (0, 2)
    assert Card.objects.filter(serial__in=["SN0000000011", "SN0000000012"]).count() == 2


def test_a_twelve_digit_number_is_refused_with_its_column(clerk):
    content = card_csv([card_line(21)], extra_column=("備考", "1234 5678 9012"))
    response = upload(clerk, content)
    assert "個人番号" in text(response)
    assert not Card.objects.filter(serial="SN0000000021").exists()


def test_an_empty_file_or_no_file_is_refused_on_the_page(clerk):
    response = clerk.post("/staff/cards/imports/", {"encoding": ""})
    assert response.status_code == 400
    assert not CardImport.objects.exists()


def test_the_staff_admin_maps_the_city_columns_and_the_next_import_reads_them(client_a, city_a, in_city_a):
    from booking.models import CardImportMapping
    from tenants.models import Role
    from tests.tenants.factories import MembershipFactory

    admin = MembershipFactory(municipality=city_a, role=Role.STAFF_ADMIN).user
    staff = MembershipFactory(municipality=city_a, role=Role.STAFF).user
    client_a.force_login(staff)
    assert client_a.get("/staff/cards/imports/mapping/").status_code == 403
    client_a.force_login(admin)
    form = {"has_header": "on", "encoding": "auto", **{f"column_{key}": key for key in card_line.FIELDS}}
    refused = client_a.post("/staff/cards/imports/mapping/", {**form, "column_card_serial": ""})
    assert refused.status_code == 400 and "必須" in text(refused)
    assert not CardImportMapping.objects.exists()
    form["column_name_kanji"] = "氏名（漢字）"
    client_a.post("/staff/cards/imports/mapping/", form)
    assert CardImportMapping.objects.get().columns["name_kanji"] == "氏名（漢字）"
    content = card_csv([card_line(31)]).replace(b"name_kanji", "氏名（漢字）".encode())
    upload(client_a, content)
    assert Card.objects.get(serial="SN0000000031").name_kanji == "山田　太郎"


def test_a_large_import_shows_progress_and_can_be_abandoned(clerk, monkeypatch):
    from booking.services import card_import

    monkeypatch.setattr(card_import, "TASK_ABOVE_BYTES", 10)  # this small file runs as a task
    monkeypatch.setattr(card_import, "enqueue_on_commit", lambda *args: None)  # the worker has not started
    response = upload(clerk, card_csv([card_line(41), card_line(42)]))
    assert "<progress" in response.content.decode() and 'http-equiv="refresh"' in response.content.decode()
    record = CardImport.objects.get()
    abandoned = clerk.post(f"/staff/cards/imports/{record.pk}/", follow=True)
    assert "中止しました" in text(abandoned)
    record.refresh_from_db()
    assert record.status == CardImport.Status.ABANDONED and record.content is None
    assert not Card.objects.filter(serial="SN0000000041").exists()
