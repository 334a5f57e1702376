from __future__ import annotations

import re

import pytest

from booking.errors import BookingError, NoticeImportError
from booking.models import AuditEntry, Notice, Place
from booking.notice_numbers import normalise_notice_number
from booking.services.notice_import import notices_import_csv
from booking.services.notices import notice_create
from tests.booking.factories import STAFF

pytestmark = pytest.mark.django_db

GOOD = (
    "notice_number,birth_day,ward,mailed_on,expires_on\n"
    "AB1-234567,7,kita,2026-11-20,2027-02-20\n"
    "ＣＤ２－３４５６７８,31,北区,2026/11/21,\n"
    "ef3 456789,1,minami,,\n"
)


def test_normalisation_of_notice_numbers():
    assert normalise_notice_number("ａｂ１－２３４５６７") == "AB1234567"
    assert normalise_notice_number(" AB1 234567 ") == "AB1234567"
    assert normalise_notice_number("ab1ー234567") == "AB1234567"


def test_a_good_file_lands_whole(in_city_a):
    result = notices_import_csv(content=GOOD.encode("utf-8"), actor=STAFF)
    assert result.created == 3
    cd = Notice.objects.get(number="CD2345678")
    assert cd.birth_day == 31 and cd.ward.code == "kita" and cd.default_place.code == "kita"
    assert Notice.objects.get(number="EF3456789").default_place == Place.objects.get(code="minami")
    assert AuditEntry.objects.filter(action="notice.import").count() == 3


def test_shift_jis_with_japanese_headers(in_city_a):
    content = "交付通知書番号,生日,区,発送日\nAB1-234567,7,南区,2026-11-20\n".encode("cp932")
    assert notices_import_csv(content=content, actor=STAFF).created == 1
    assert Notice.objects.get(number="AB1234567").ward.code == "minami"


def test_a_bad_file_lands_nothing_and_reports_every_bad_line(in_city_a):
    notice_create(number="ZZ9999999", birth_day=3, ward=Place.objects.get(code="kita").default_for_wards.first(),
                  actor=STAFF)
    content = (
        b"notice_number,birth_day,ward,mailed_on\n"
        b"AB1-234567,7,kita,2026-11-20\n"      # good
        b"AB1-234567,8,kita,2026-11-20\n"      # duplicate in the file
        b"XX,7,kita,2026-11-20\n"              # bad number
        b"CD2-345678,32,kita,2026-11-20\n"     # bad day
        b"EF3-456789,5,nowhere,2026-11-20\n"   # unknown ward
        b"GH4-567890,5,kita,20-11-2026\n"      # bad date
        b"ZZ9-999999,5,kita,2026-11-20\n"      # already exists
    )
    before = Notice.objects.count()
    with pytest.raises(NoticeImportError) as refused:
        notices_import_csv(content=content, actor=STAFF)
    lines = refused.value.errors["lines"]
    assert [int(re.match(r"\D*(\d+)", message).group(1)) for message in lines] == [3, 4, 5, 6, 7, 8], lines
    assert lines[0].startswith("3行目")  # each message says its line, in the reader's language
    assert Notice.objects.count() == before


def test_individual_numbers_never_enter(in_city_a):
    with pytest.raises(NoticeImportError, match="個人番号"):
        notices_import_csv(content="notice_number,birth_day,ward,個人番号\nAB1-234567,7,kita,123456789012\n".encode(),
                           actor=STAFF)
    with pytest.raises(NoticeImportError):
        notices_import_csv(content=b"notice_number,birth_day,ward,note\nAB1-234567,7,kita,1234 5678 9012\n",
                           actor=STAFF)
    assert not Notice.objects.filter(number="AB1234567").exists()


@pytest.mark.parametrize("content", [b"", b"number_only\nAB1-234567\n", b"\xff\xfe\x00garbage"])
def test_unreadable_files_are_refused_clearly(in_city_a, content):
    with pytest.raises(BookingError):
        notices_import_csv(content=content, actor=STAFF)
