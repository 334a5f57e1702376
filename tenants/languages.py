"""The languages a municipality can enable (WEB-10, CC-8). Japanese is always the default."""
from django.conf import settings

DEFAULT_LANGUAGE = "ja"


def supported_language_codes() -> tuple[str, ...]:
    return tuple(code for code, _ in settings.LANGUAGES)


def language_name(code: str) -> str:
    return dict(settings.LANGUAGES).get(code, code)


class TranslatedText:
    """Text kept per language in a JSON field, falling back to Japanese, then to `fallback`."""

    def __init__(self, values: dict | None, fallback: str = ""):
        self.values = values or {}
        self.fallback = fallback

    def get(self, language: str | None) -> str:
        if language and self.values.get(language):
            return self.values[language]
        return self.values.get(DEFAULT_LANGUAGE) or self.fallback
