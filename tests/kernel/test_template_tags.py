"""`{% translate %}` and `{% url %}` keep what they work out, and give what Django's tags give."""
from __future__ import annotations

import pytest
from django.template import Context, Engine, engines
from django.test import override_settings
from django.urls import NoReverseMatch
from django.utils import translation

from kernel import template_tags


def render(source: str, autoescape: bool = True, **context) -> str:
    template = engines["django"].from_string(source)
    return template.template.render(Context(context, autoescape=autoescape))


def test_a_fixed_string_is_translated_into_the_language_of_each_render():
    template = engines["django"].from_string('{% load i18n %}{% translate "Log out" %}|{% trans "Log out" %}')
    for language, expected in [("ja", "ログアウト"), ("en", "Log out"), ("ja", "ログアウト")]:
        with translation.override(language):
            assert template.template.render(Context({})) == f"{expected}|{expected}"


SOURCES = [
    '{% load i18n %}{% translate "Log out" %}',
    '{% load i18n %}{% translate "Fish & <chips>" %}',
    '{% load i18n %}{% translate word %}',
    '{% load i18n %}{% translate "calendar day" context "free" %}{% translate "free" context "calendar day" %}',
    '{% load i18n %}{% translate "50%% off" %}',
    "{% url 'citizen:day' code word %}",
]


@pytest.mark.parametrize("source", SOURCES)
def test_the_output_is_djangos_in_each_language_escaping_or_not(source):
    djangos = Engine(libraries={"i18n": "django.templatetags.i18n"})  # Django's own tags only
    ours, theirs = engines["django"].from_string(source).template, djangos.from_string(source)
    for language in ["ja", "en", "ko", "ja"]:
        for autoescape in [True, False, True]:
            with translation.override(language):
                context = {"word": "<free> & \"gratis\"", "code": "kita"}
                assert ours.render(Context(context, autoescape=autoescape)) == \
                    theirs.render(Context(context, autoescape=autoescape))


def test_a_translation_of_a_variable_or_with_filters_follows_the_context():
    source = ('{% load i18n %}{% translate word %}|{% translate "Log out"|upper %}|'
              '{% translate word as said %}{{ said }}')
    with translation.override("en"):
        assert render(source, word="one") == "one|LOG OUT|one"
        assert render(source, word="two") == "two|LOG OUT|two"


def test_url_gives_each_argument_its_own_address_and_still_refuses_unknown_ones():
    source = "{% url 'citizen:day' code date %}"
    assert render(source, code="kita", date="2026-12-01") == "/booking/places/kita/2026-12-01/"
    assert render(source, code="chuo", date="2026-12-02") == "/booking/places/chuo/2026-12-02/"
    assert render("{% url 'citizen:nowhere' as there %}[{{ there }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        render("{% url 'citizen:nowhere' %}")


def test_what_is_kept_is_forgotten_when_translations_or_urls_are_set_up_again():
    before = template_tags.generation()
    with override_settings(LOCALE_PATHS=[]):
        assert template_tags.generation() != before
