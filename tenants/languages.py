"""The languages a municipality can enable (WEB-10, CC-8). Japanese is always the default."""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

DEFAULT_LANGUAGE = "ja"


def supported_language_codes() -> tuple[str, ...]:
    return tuple(code for code, _ in settings.LANGUAGES)


def site_language(requested: str, enabled: list[str]) -> str:
    """The language a city's pages are shown in when `requested` is asked for: it, if the city
    enabled it, Japanese otherwise."""
    return requested if requested in enabled else DEFAULT_LANGUAGE


def language_name(code: str) -> str:
    return dict(settings.LANGUAGES).get(code, code)


@dataclass(frozen=True)
class LocalizedText:
    """A text and the language it is written in: pages mark it `lang` when that is not the page's (WCAG 3.1.2)."""

    text: str
    language: str = DEFAULT_LANGUAGE

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)

    def lines(self) -> list[LocalizedText]:
        """One text per non-empty line, in the same language (e.g. the items of a list)."""
        return [LocalizedText(line.strip(), self.language) for line in self.text.splitlines() if line.strip()]


class TranslatedText:
    """Text kept per language in a JSON field, falling back to Japanese, then to `fallback` (Japanese too)."""

    def __init__(self, values: dict | None, fallback: str = ""):
        self.values = values or {}
        self.fallback = fallback

    def resolve(self, language: str | None) -> LocalizedText:
        """The text in `language` if the city wrote one, otherwise the Japanese, saying which it is."""
        if language and self.values.get(language):
            return LocalizedText(self.values[language], language)
        return LocalizedText(self.values.get(DEFAULT_LANGUAGE) or self.fallback, DEFAULT_LANGUAGE)

    def get(self, language: str | None) -> str:
        return self.resolve(language).text


def lang_html(value: LocalizedText | str, page_language: str | None = None) -> SafeString:
    """`value` as HTML: escaped, line breaks kept, in `<span lang>` when not in the page's language."""
    if not isinstance(value, LocalizedText):
        return conditional_escape(value)
    html = mark_safe("<br>".join(conditional_escape(line) for line in value.text.splitlines() or [""]))
    page_language = page_language or translation.get_language() or DEFAULT_LANGUAGE
    if not value.text or value.language.lower() == page_language.lower():
        return html
    return format_html('<span lang="{}">{}</span>', value.language, html)


def japanese_term(term: str) -> SafeString:
    """A Japanese word kept as printed inside a translated sentence, e.g. 交付通知書 (WCAG 3.1.2)."""
    return lang_html(LocalizedText(term, DEFAULT_LANGUAGE))
