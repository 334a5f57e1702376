"""Bulk notices (OPS-7): upload, preview, every bad line with its number and reason, all or nothing."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from booking.models import AuditEntry, Notice
from tests.lgwan_access.factories_counter import staff_client

GOOD = ("notice_number,birth_day,ward,mailed_on,expires_on\n"
        "BLK-000001,7,kita,2026-11-20,2027-02-20\n"
        "ＢＬＫ－０００００２,31,北区,2026/11/21,\n"
        "blk 000003,1,minami,,\n")
BAD = ("notice_number,birth_day,ward\n"
       "BLK000011,7,kita\n"
       "BLK000012,40,kita\n"
       "BLK000013,7,どこか区\n"
       "BLK000011,8,minami\n")


@pytest.fixture
def clerk(city_a):
    client, user = staff_client(city_a)
    return client


def _upload(client, text: str, encoding="utf-8", name="notices.csv"):
    return client.post("/staff/notices/upload/",
                       {"file": SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")})


def _notices(city):
    with tenant_context(city):
        return set(Notice.objects.filter(number__startswith="BLK").values_list("number", flat=True))


def test_a_good_file_is_previewed_first_and_added_only_when_confirmed(clerk, city_a):
    response = _upload(clerk, GOOD)
    text = response.content.decode()
    assert response.status_code == 200
    assert "BLK000001" in text and "BLK000002" in text and "BLK000003" in text
    assert _notices(city_a) == set()  # the preview adds nothing
    token = response.context["confirm"].initial["token"]
    done = clerk.post("/staff/notices/upload/confirm/", {"token": token}, follow=True)
    assert _notices(city_a) == {"BLK000001", "BLK000002", "BLK000003"}
    assert "notices.csv" in done.content.decode()
    with tenant_context(city_a):
        entries = AuditEntry.objects.filter(action="notice.import", notice__number__startswith="BLK")
        assert entries.count() == 3
        assert {entry.channel for entry in entries} == {"staff"}
    again = clerk.post("/staff/notices/upload/confirm/", {"token": token}, follow=True)  # no double import
    assert "確認したファイルはもう使えません。もう一度アップロードしてください。" in again.content.decode()
    assert _notices(city_a) == {"BLK000001", "BLK000002", "BLK000003"}


def test_every_bad_line_is_reported_with_its_number_and_nothing_is_added(clerk, city_a):
    response = _upload(clerk, BAD)
    lines = response.context["line_errors"]
    text = response.content.decode()
    assert any(line.startswith("3行目") for line in lines)  # day of birth 40
    assert "4行目: 区「どこか区」が見つかりません。" in lines
    assert any(line.startswith("5行目") for line in lines)  # the same number as line 2
    assert not any(line.startswith("2行目") for line in lines)
    assert "4行目: 区「どこか区」が見つかりません。" in text
    assert "confirm" not in response.context or response.context.get("confirm") is None
    assert _notices(city_a) == set()


def test_shift_jis_with_japanese_headers_is_read(clerk, city_a):
    response = _upload(clerk, "交付通知書番号,生日,区\nBLK-000021,7,南区\n", encoding="cp932")
    assert "BLK000021" in response.content.decode()
    clerk.post("/staff/notices/upload/confirm/", {"token": response.context["confirm"].initial["token"]})
    assert _notices(city_a) == {"BLK000021"}


def test_a_file_with_individual_numbers_is_refused(clerk, city_a):
    response = _upload(clerk, "notice_number,birth_day,ward,個人番号\nBLK000031,7,kita,123456789012\n")
    assert "個人番号" in response.content.decode()
    assert _notices(city_a) == set()


def test_a_forged_token_imports_nothing(clerk, city_a):
    _upload(clerk, GOOD)
    clerk.post("/staff/notices/upload/confirm/", {"token": "0" * 64})
    assert _notices(city_a) == set()


def test_notices_land_in_the_clerks_city_only(clerk, city_a, city_b):
    response = _upload(clerk, GOOD)
    clerk.post("/staff/notices/upload/confirm/", {"token": response.context["confirm"].initial["token"]})
    assert _notices(city_b) == set()
    assert len(_notices(city_a)) == 3
