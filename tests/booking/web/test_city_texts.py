"""The city's own words in every enabled language (WEB-9, WEB-10), marked `lang` where they fall back."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django_tenants.utils import tenant_context

from booking.clock import local
from booking.models import Place, Reservation, Slot, Ward
from booking.selectors.eligibility import booking_window
from platform_console.demo import CHIBA, DEMO_GUIDANCE, demo_seed
from tenants.models import Municipality
from tests.booking.factories import NoticeFactory, make_slot, open_weekday
from tests.booking.web.pages import unmarked_japanese

pytestmark = pytest.mark.django_db
LANGUAGES = ["ja", "en", "zh-hans", "ko", "es", "pt-br"]


def in_language(host: str, language: str) -> Client:
    client = Client(HTTP_HOST=host)
    client.cookies["madoguchi_language"] = language
    return client


def token_of(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def ics_text(ics: str) -> str:
    """An .ics unfolded and unescaped, so that a text split over two lines is found whole."""
    return ics.replace("\r\n ", "").replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";")


def seeded_texts(language: str) -> list[str]:
    """Everything the demo seed wrote in `language` (no fallback) that a confirmation may show or mail."""
    with tenant_context(Municipality.objects.get(schema_name="chiba")):
        rows = [*Place.objects.all(), *Ward.objects.all()]
    texts = [row.name if language == "ja" else row.names.get(language, "") for row in rows]
    texts.append(CHIBA["display_names"][language])
    for key in ("bring", "hours", "access"):
        texts += DEMO_GUIDANCE.get(language, {}).get(key, "").splitlines()
    return [text for text in texts if text]


@pytest.fixture
def chiba(django_capture_on_commit_callbacks):
    demo_seed()
    return Municipality.objects.get(schema_name="chiba")


def test_demo_city_confirmation_page_mail_and_ics_hold_no_japanese_city_text_in_other_languages(
        chiba, django_capture_on_commit_callbacks):
    japanese = seeded_texts("ja")
    with tenant_context(chiba):
        earliest, _latest = booking_window()
        slot = (Slot.objects.filter(place__code="chuo", starts_at__gte=earliest + dt.timedelta(hours=1))
                .order_by("starts_at").first())
    for language in LANGUAGES:
        own = seeded_texts(language)
        # a Japanese text that is also this language's own (中央区 in Chinese) is no fallback
        absent = [text for text in japanese if not any(text in mine for mine in own)]
        client = in_language("chiba.localhost", language)
        assert client.post("/login/", {"notice_number": "ABC-000001", "birth_day": "1"}).status_code == 302
        confirm = client.get(f"/booking/slots/{slot.pk}/").content.decode()
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            booked = client.post(f"/booking/slots/{slot.pk}/", {"email": "citizen@example.jp",
                                                                "token": token_of(confirm)}, follow=True)
        status = booked.content.decode()
        created = mail.outbox[-1]
        attached = ics_text(created.attachments[0][1])
        downloaded = ics_text(client.get("/booking/calendar.ics").content.decode())
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/booking/cancel/")
        cancelled = mail.outbox[-1]
        rendered = {"confirmation page": confirm, "booking page": status, "mail": created.subject + created.body,
                    "cancellation mail": cancelled.subject + cancelled.body, "mailed .ics": attached,
                    "downloaded .ics": downloaded}
        if language == "ja":  # the check below would pass on empty pages: the Japanese is really there
            assert all("中央区役所" in text for text in rendered.values())
            assert "平日 8:30〜17:30" in confirm and "平日 8:30〜17:30" in created.body
            continue
        for what, text in rendered.items():
            leaked = [string for string in absent if string in text]
            assert not leaked, f"{language} {what} shows Japanese city text {leaked}"
        for line in DEMO_GUIDANCE[language]["bring"].splitlines():
            assert line in confirm and line in created.body and line in attached
        assert own[0] in confirm and DEMO_GUIDANCE[language]["hours"] in created.body
        assert unmarked_japanese(confirm) == [] and unmarked_japanese(status) == []


@pytest.fixture
def notice(in_city_a):
    return NoticeFactory(number="AB1234567", birth_day=7)


@pytest.fixture
def slot(in_city_a):
    return make_slot(Place.objects.get(code="kita"), open_weekday(), dt.time(11), capacity=5)


def test_a_text_the_city_wrote_only_in_japanese_is_shown_in_japanese_marked_lang_ja(notice, slot):
    kita = Place.objects.get(code="kita")  # alpha's ward office has a Japanese name only
    kita.guidance = {"ja": {"hours": "平日 9:00〜17:00", "access": "北区役所 2階", "bring": "交付通知書\n本人確認書類"},
                     "ko": {"hours": "평일 9:00~17:00"}}
    kita.save(update_fields=["guidance"])
    client = in_language("alpha.localhost", "ko")
    assert client.post("/login/", {"notice_number": "AB1234567", "birth_day": "7"}).status_code == 302
    day = local(slot.starts_at).date()
    confirm = client.get(f"/booking/slots/{slot.pk}/").content.decode()
    assert '<span lang="ja">北区役所</span>' in confirm
    assert '<span lang="ja">北区役所 2階</span>' in confirm
    assert '<span lang="ja">交付通知書</span>' in confirm  # each line of the list in Japanese
    assert "평일 9:00~17:00" in confirm and '<span lang="ja">평일' not in confirm  # the city wrote it in Korean
    assert "아오바시" in confirm and '<span lang="ja">아오바시' not in confirm
    pages = {url: client.get(url).content.decode() for url in [
        "/", "/booking/", f"/booking/places/kita/?month={day:%Y-%m}", f"/booking/places/kita/{day.isoformat()}/",
        f"/booking/slots/{slot.pk}/", "/booking/places/"]}
    for url, html in pages.items():
        assert unmarked_japanese(html, ("北区役所",)) == [], url
    assert '<span lang="ja">交付通知書</span>' in pages["/"]  # the word on the postcard, inside Korean sentences


def test_a_city_with_no_name_in_a_language_shows_its_japanese_name_marked(city_a):
    city_a.display_names = {}
    city_a.save(update_fields=["display_names"])
    html = in_language("alpha.localhost", "en").get("/").content.decode()
    assert '<html lang="en">' in html
    assert '<span lang="ja">青葉市</span>' in html and unmarked_japanese(html) == []


def bring_section(body: str) -> list[str]:
    """The items under "お持ちいただくもの" in a Japanese mail."""
    section = body.split("お持ちいただくもの:")[1].split("\n\n")[0]
    return [line for line in section.splitlines() if line.startswith("- ")]


@pytest.mark.parametrize("bring, expected", [
    ("交付通知書（はがき）\n本人確認書類（運転免許証など）\n住民基本台帳カード（お持ちの方）",
     ["交付通知書（はがき）", "本人確認書類（運転免許証など）", "住民基本台帳カード（お持ちの方）"]),
    ("", ["交付通知書（はがき）", "本人確認書類"]),  # the city wrote nothing: the national minimum
])
def test_what_to_bring_lists_each_item_once_on_the_page_in_the_mail_and_in_the_ics(
        client_a, notice, slot, bring, expected, django_capture_on_commit_callbacks):
    kita = Place.objects.get(code="kita")
    kita.guidance = {"ja": {"bring": bring}} if bring else {}
    kita.save(update_fields=["guidance"])
    client_a.post("/login/", {"notice_number": "AB1234567", "birth_day": "7"})
    confirm = client_a.get(f"/booking/slots/{slot.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(f"/booking/slots/{slot.pk}/", {"email": "taro@example.jp", "token": token_of(confirm)})
    guidance = re.search(r'<section class="guidance".*?</section>', confirm, re.S).group(0)
    items = [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", guidance, re.S)]
    assert items == expected
    assert bring_section(mail.outbox[-1].body) == [f"- {item}" for item in expected]
    description = re.search(r"DESCRIPTION:(.*?)\r\nEND:VEVENT", ics_text(mail.outbox[-1].attachments[0][1]), re.S)
    assert description.group(1).count("交付通知書") == 1
    assert Reservation.objects.filter(notice=notice).exists()
