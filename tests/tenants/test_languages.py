"""Texts kept per language: which language a text resolved to, and how a page marks it (WCAG 3.1.2)."""
from __future__ import annotations

from django.utils import translation

from booking.models import Place
from tenants.languages import LocalizedText, TranslatedText, japanese_term, lang_html


def test_a_text_says_which_language_it_resolved_to():
    names = TranslatedText({"en": "Kita Ward Office", "ko": ""}, fallback="北区役所")
    assert names.resolve("en") == LocalizedText("Kita Ward Office", "en")
    assert names.resolve("ko") == LocalizedText("北区役所", "ja")  # empty counts as not written
    assert names.resolve("pt-br") == LocalizedText("北区役所", "ja")
    assert TranslatedText({"ja": "北区役所（本庁舎）"}, fallback="北区役所").resolve("es").text == "北区役所（本庁舎）"
    assert names.get("en") == "Kita Ward Office"


def test_a_place_falls_back_field_by_field_and_lists_what_to_bring_line_by_line():
    place = Place(name="北区役所", guidance={
        "ja": {"bring": "交付通知書\n\n本人確認書類\n", "hours": "平日", "access": "1階"},
        "ko": {"hours": "평일"}, "broken": "not a dict"})
    guidance = place.guidance_in("ko")
    assert guidance.hours == LocalizedText("평일", "ko")
    assert guidance.access == LocalizedText("1階", "ja")
    assert guidance.bring_items == [LocalizedText("交付通知書", "ja"), LocalizedText("本人確認書類", "ja")]
    assert Place(name="南区役所").guidance_in("en").bring_items == []


def test_a_page_marks_only_text_in_another_language_and_escapes_it():
    with translation.override("en"):
        assert lang_html(LocalizedText("北区<役所>\n2階", "ja")) == '<span lang="ja">北区&lt;役所&gt;<br>2階</span>'
        assert lang_html(LocalizedText("Kita & Minami", "en")) == "Kita &amp; Minami"
        assert japanese_term("交付通知書") == '<span lang="ja">交付通知書</span>'
        assert lang_html(LocalizedText("", "ja")) == ""
    with translation.override("ja"):
        assert japanese_term("交付通知書") == "交付通知書"
    with translation.override("pt-br"):
        assert lang_html(LocalizedText("Escritório", "pt-br")) == "Escritório"
