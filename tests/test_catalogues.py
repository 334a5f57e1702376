"""The six message catalogues hold the same messages, translated, with the same placeholders (WEB-10)."""
from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ["ja", "en", "zh_Hans", "ko", "es", "pt_BR"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def key(entry) -> tuple:
    return entry.msgctxt, entry.msgid, entry.msgid_plural


def placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def test_every_catalogue_holds_the_same_messages():
    japanese = {key(entry) for entry in catalogue("ja") if not entry.obsolete}
    for language in LANGUAGES[1:]:
        other = {key(entry) for entry in catalogue(language) if not entry.obsolete}
        assert other == japanese, (language, sorted(other ^ japanese, key=str)[:5])


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_every_message_is_translated_with_its_placeholders(language):
    """English is the msgid itself; every other language has a translation that keeps the placeholders."""
    for entry in catalogue(language):
        if entry.obsolete:
            continue
        assert "fuzzy" not in entry.flags, entry.msgid
        translations = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        assert all(translations), f"{language}: no translation of {entry.msgid!r}"
        expected = placeholders(entry.msgid) | placeholders(entry.msgid_plural or "")
        for text in translations:
            assert placeholders(text) == expected, f"{language}: {entry.msgid!r} → {text!r}"
