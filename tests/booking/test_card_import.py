"""Card data import (DATA-2, SEC-10): all or nothing, every error with its line and column, upserts."""
from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.management import CommandError, call_command

from booking import cardfiles
from booking.errors import CardImportError
from booking.models import AuditEntry, Card, CardImport, CardStatus, Notice, StorageBox
from booking.selectors.card_import import card_import_plan, card_import_progress
from booking.services import card_import as card_import_service
from booking.services.card_import import (
    card_import_abandon,
    card_import_mapping_save,
    card_import_run,
    card_import_start,
)
from tests.booking.factories import STAFF, NoticeFactory, card_csv, card_line

pytestmark = pytest.mark.django_db

GAIJI_PUA = "\ue000"  # CP932 user-defined area F040: how a 外字 of the J-LIS data arrives
TAKA = "髙"  # IBM/NEC extension of CP932, outside JIS X 0208


def test_a_good_file_lands_whole_with_notices_and_boxes(in_city_a):
    content = card_csv([
        card_line(1, box="K-001", position=1, mailed_on="2026-11-20", pickup_deadline="R9.2.20"),
        card_line(2, ward="南区", box="K-001", position=2),
        card_line(3, ward="minami", birth_date="平成元年1月8日"),
    ])
    record = card_import_start(content=content, file_name="cards.csv", actor=STAFF)
    assert record.status == CardImport.Status.DONE, record.errors
    assert (record.cards_created, record.notices_created, record.total_lines) == (3, 3, 3)
    assert record.file_sha256 == hashlib.sha256(content).hexdigest() and record.actor_label == "counter staff"
    first = Card.objects.select_related("notice", "box").get(serial="SN0000000001")
    assert first.notice.number == "ABC000001" and first.notice.birth_day == 7 and first.notice.birth_month == 5
    assert first.notice.ward.code == "kita" and first.notice.default_place.code == "kita"
    assert first.notice.expires_on == dt.date(2027, 2, 20) and first.notice.mailed_on == dt.date(2026, 11, 20)
    assert (first.box.code, first.position, first.status) == ("K-001", 1, CardStatus.STORED)
    third = Card.objects.get(serial="SN0000000003")
    assert third.birth_date == dt.date(1989, 1, 8) and third.status == CardStatus.RECEIVED and third.box is None
    assert AuditEntry.objects.filter(action="card.import").count() == 3
    assert CardImport.objects.get(pk=record.pk).content is None  # the file is not kept once imported


def test_a_cp932_file_with_gaiji_and_a_bad_line_lands_nothing_and_reports_every_error(in_city_a):
    lines = [
        card_line(1, name_kanji=f"{TAKA}橋　{GAIJI_PUA}子"),
        card_line(2, birth_date="1990-02-30", ward="nowhere"),   # line 3: bad date, unknown ward
        card_line(3, card_serial="SN0000000001"),                 # line 4: same serial as line 2
    ]
    content = card_csv(lines, encoding="cp932")
    notices_before, cards_before = Notice.objects.count(), Card.objects.count()
    record = card_import_start(content=content, file_name="jlis.csv", actor=STAFF)
    assert record.status == CardImport.Status.FAILED and record.encoding == "cp932"
    found = {(error["line"], error["column"], error["field"]) for error in record.errors}
    columns = {field: index + 1 for index, field in enumerate(card_line.FIELDS)}
    assert found == {(3, columns["birth_date"], "birth_date"), (3, columns["ward"], "ward"),
                     (4, columns["card_serial"], "card_serial")}, record.errors
    assert all(error["header"] for error in record.errors)
    assert (Notice.objects.count(), Card.objects.count()) == (notices_before, cards_before)


def test_gaiji_and_private_use_characters_survive_as_unicode(in_city_a):
    name = f"{TAKA}橋　{GAIJI_PUA}子"
    content = card_csv([card_line(1, name_kanji=name, name_kana="ﾀｶﾊｼ ﾊﾅｺ")], encoding="cp932")
    record = card_import_start(content=content, actor=STAFF)
    assert record.status == CardImport.Status.DONE, record.errors
    card = Card.objects.get(serial="SN0000000001")
    assert card.name_kanji == name and card.name_kana == "タカハシ ハナコ"


def test_a_name_cp932_cannot_hold_comes_in_utf8(in_city_a):
    with pytest.raises(UnicodeEncodeError):
        "𠮷".encode("cp932")
    record = card_import_start(content=card_csv([card_line(1, name_kanji="𠮷田　一郎")]), actor=STAFF)
    assert record.status == CardImport.Status.DONE and record.encoding == "utf-8"
    assert Card.objects.get(serial="SN0000000001").name_kanji == "𠮷田　一郎"


def test_the_same_file_twice_updates_and_never_duplicates(in_city_a):
    content = card_csv([card_line(n, box="K-002", position=n) for n in range(1, 4)])
    first = card_import_start(content=content, actor=STAFF)
    second = card_import_start(content=content, actor=STAFF)
    assert first.cards_created == 3 and second.status == CardImport.Status.DONE
    assert (second.cards_created, second.cards_updated, second.cards_unchanged, second.notices_created) == (0, 0, 3, 0)
    overlapping = card_csv([card_line(3, batch="B-2", name_kanji="山田　花子"), card_line(4)])
    third = card_import_start(content=overlapping, actor=STAFF)
    assert (third.cards_created, third.cards_updated) == (1, 1), third.errors
    assert Card.objects.filter(serial__startswith="SN").count() == 4
    assert Notice.objects.filter(number__startswith="ABC").count() == 4
    assert Card.objects.get(serial="SN0000000003").batch == "B-2"


@pytest.mark.parametrize("header", ["個人番号", "マイナンバー", "individual_number"])
def test_a_column_of_individual_numbers_is_refused(in_city_a, header):
    content = card_csv([card_line(1)], extra_column=(header, "123456789012"))
    record = card_import_start(content=content, actor=STAFF)
    assert record.status == CardImport.Status.FAILED
    assert "個人番号" in record.errors[0]["message"] and record.errors[0]["line"] == 1
    assert not Card.objects.filter(serial="SN0000000001").exists()


def test_a_value_that_looks_like_an_individual_number_is_refused_with_its_column(in_city_a):
    content = card_csv([card_line(1), card_line(2, dispatch_number="1234 5678 9012")])
    record = card_import_start(content=content, actor=STAFF)
    assert record.status == CardImport.Status.FAILED
    column = card_line.FIELDS.index("dispatch_number") + 1
    assert [(e["line"], e["column"]) for e in record.errors] == [(3, column)]
    assert "個人番号" in record.errors[0]["message"]
    assert not Card.objects.filter(serial__in=["SN0000000001", "SN0000000002"]).exists()


def test_cards_link_to_notices_the_city_already_has(in_city_a):
    notice = NoticeFactory(number="ABC000001", birth_day=7)
    other = NoticeFactory(number="ABC000002", birth_day=9)
    ok = card_import_start(content=card_csv([card_line(1)]), actor=STAFF)
    assert ok.status == CardImport.Status.DONE and ok.notices_created == 0
    assert Card.objects.get(serial="SN0000000001").notice == notice
    refused = card_import_start(content=card_csv([card_line(2)]), actor=STAFF)  # born on the 7th, notice says 9
    assert refused.status == CardImport.Status.FAILED and refused.errors[0]["field"] == "birth_date"
    assert not Card.objects.filter(notice=other).exists()


def test_a_city_mapping_without_header_row(in_city_a):
    card_import_mapping_save(has_header=False, encoding="auto", actor=STAFF, columns={
        "card_serial": 1, "notice_number": 2, "name_kanji": 3, "birth_date": 4, "ward": 5})
    content = "SN9,ABC000009,鈴木　一郎,1980-03-04,kita\n".encode()
    record = card_import_start(content=content, actor=STAFF)
    assert record.status == CardImport.Status.DONE, record.errors
    assert Card.objects.get(serial="SN9").notice.birth_day == 4
    with pytest.raises(CardImportError) as refused:
        card_import_mapping_save(has_header=False, encoding="auto", actor=STAFF, columns={"card_serial": "x"})
    assert "card_serial" in refused.value.errors and "ward" in refused.value.errors


def test_the_preview_reports_errors_by_line_and_column_and_writes_nothing(in_city_a):
    content = card_csv([card_line(1), card_line(2, position="7")])  # a position without a box
    plan = card_import_plan(content=content)
    assert not plan.ok and [(e.line, e.field) for e in plan.errors] == [(3, "box")]
    assert plan.counts["created"] == 1
    assert not CardImport.objects.exists() and not Card.objects.filter(serial="SN0000000001").exists()


def test_a_large_import_runs_as_a_task_with_progress_in_the_database(in_city_a, monkeypatch):
    monkeypatch.setattr("booking.selectors.card_import.PROGRESS_EVERY", 2)
    seen = []
    monkeypatch.setattr(card_import_service, "enqueue_on_commit", lambda name, pk: seen.append((name, pk)))
    record = card_import_start(content=card_csv([card_line(n) for n in range(1, 6)]), actor=STAFF,
                               in_background=True)
    assert seen == [("booking.run_card_import", record.pk)] and record.status == CardImport.Status.PENDING
    done = card_import_run(card_import_id=record.pk)
    progress = card_import_progress(record.pk)
    assert done.status == CardImport.Status.DONE and progress.finished and progress.percent == 100
    assert (progress.processed, progress.total) == (5, 5)
    assert card_import_run(card_import_id=record.pk).cards_created == 5  # a second run changes nothing
    assert Card.objects.filter(serial__startswith="SN").count() == 5


def test_an_abandoned_import_lands_nothing(in_city_a, monkeypatch):
    monkeypatch.setattr("booking.selectors.card_import.PROGRESS_EVERY", 1)
    monkeypatch.setattr(card_import_service, "enqueue_on_commit", lambda *args: None)
    waiting = card_import_start(content=card_csv([card_line(1)]), actor=STAFF, in_background=True)
    assert card_import_abandon(card_import_id=waiting.pk, actor=STAFF)
    assert card_import_run(card_import_id=waiting.pk).status == CardImport.Status.ABANDONED

    running = card_import_start(content=card_csv([card_line(n) for n in range(1, 4)]), actor=STAFF,
                                in_background=True)
    original = card_import_service.card_import_plan

    def abandoned_halfway(**kwargs):
        report = kwargs["progress"]

        def progress(done, total):
            if done == 2:
                card_import_abandon(card_import_id=running.pk, actor=STAFF)
            report(done, total)
        return original(**{**kwargs, "progress": progress})

    monkeypatch.setattr(card_import_service, "card_import_plan", abandoned_halfway)
    assert card_import_run(card_import_id=running.pk).status == CardImport.Status.ABANDONED
    assert not Card.objects.filter(serial__startswith="SN").exists()
    assert CardImport.objects.get(pk=running.pk).content is None
    assert not card_import_abandon(card_import_id=running.pk, actor=STAFF)  # already over


def test_encodings_are_strict_and_say_where(in_city_a):
    with pytest.raises(cardfiles.CardFileError) as refused:
        cardfiles.decode(b"notice_number\nABC000001\n" + b"\xff\xfe\n", "utf-8")
    assert refused.value.line == 3
    record = card_import_start(content="番号\n".encode("cp932"), actor=STAFF, encoding="utf-8")
    assert record.status == CardImport.Status.FAILED and record.errors[0]["line"] == 1


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-11-20", dt.date(2026, 11, 20)), ("2026/1/2", dt.date(2026, 1, 2)), ("20261120", dt.date(2026, 11, 20)),
    ("R8.11.20", dt.date(2026, 11, 20)), ("令和元年5月1日", dt.date(2019, 5, 1)),
    ("Ｓ６４．１．７", dt.date(1989, 1, 7)),
    ("", None),
])
def test_dates_in_the_forms_the_city_uses(text, expected):
    assert cardfiles.parse_date(text) == expected


def test_the_command_imports_and_says_what_it_did(in_city_a, tmp_path, capsys):
    good = tmp_path / "cards.csv"
    good.write_bytes(card_csv([card_line(1), card_line(2)], encoding="cp932"))
    call_command("import_cards", "--municipality", "alpha", str(good), "--encoding", "cp932", "--dry-run")
    assert "cards created: 2" in capsys.readouterr().out
    assert not Card.objects.filter(serial__startswith="SN").exists()
    call_command("import_cards", "--municipality", "alpha", str(good))
    assert "cards created: 2" in capsys.readouterr().out
    assert Card.objects.filter(serial__startswith="SN").count() == 2

    bad = tmp_path / "bad.csv"
    bad.write_bytes(card_csv([card_line(3), card_line(4, birth_date="someday")]))
    with pytest.raises(CommandError):
        call_command("import_cards", "--municipality", "alpha", str(bad))
    column = card_line.FIELDS.index("birth_date") + 1
    assert f"line 3, column {column} (birth_date)" in capsys.readouterr().err
    assert not Card.objects.filter(serial="SN0000000003").exists()
    with pytest.raises(CommandError):
        call_command("import_cards", "--municipality", "nowhere", str(good))
    with pytest.raises(CommandError):
        call_command("import_cards", "--municipality", "alpha", str(tmp_path / "missing.csv"))
    assert StorageBox.objects.count() == 0


def test_thousands_of_lines_are_written_and_audited_in_bulk(in_city_a):
    count = 2100  # above the audit trail's COPY threshold
    record = card_import_start(content=card_csv([card_line(n, box=f"Q-{n // 100}", position=n % 100 + 1)
                                                 for n in range(1, count + 1)]), actor=STAFF, in_background=False)
    assert record.status == CardImport.Status.DONE and record.cards_created == count, record.errors[:3]
    assert AuditEntry.objects.filter(action="card.import").count() == count
    entry = AuditEntry.objects.filter(action="card.import").order_by("id").first()
    assert entry.actor_label == "counter staff" and entry.changes["card"] == "created"
    assert Card.objects.filter(box__code="Q-1").count() == 100


def test_a_handed_over_card_is_never_written_again(in_city_a):
    assert card_import_start(content=card_csv([card_line(1), card_line(2)]), actor=STAFF).cards_created == 2
    Card.objects.filter(serial="SN0000000001").update(status=CardStatus.HANDED_OVER, name_kanji="")
    handed_notice = NoticeFactory(number="ABC000003", birth_day=7, status="handed_over")
    again = card_import_start(content=card_csv([card_line(1), card_line(2, batch="B-9"), card_line(3)]), actor=STAFF)
    assert (again.cards_skipped, again.cards_updated, again.cards_created) == (2, 1, 0), again.errors
    assert Card.objects.get(serial="SN0000000001").name_kanji == ""  # nothing purged comes back
    assert not Card.objects.filter(notice=handed_notice).exists()


def test_the_import_task_runs_in_its_city_and_never_in_public(in_city_a, django_capture_on_commit_callbacks):
    from booking.tasks import run_card_import
    from kernel.tasking import MissingMunicipalityError

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        record = card_import_start(content=card_csv([card_line(1)]), actor=STAFF, in_background=True)
    assert len(callbacks) == 1 and record.status == CardImport.Status.PENDING
    assert run_card_import.apply(args=[record.pk], headers={"_schema_name": "alpha"}).result == "done"
    assert Card.objects.filter(serial="SN0000000001").exists()
    refused = run_card_import.apply(args=[record.pk], headers={"_schema_name": "public"})
    assert isinstance(refused.result, MissingMunicipalityError)
