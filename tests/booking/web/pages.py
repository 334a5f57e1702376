"""Reading citizen pages as a screen reader and a translator would: which text is in which language."""
from __future__ import annotations

import re
from html.parser import HTMLParser

KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")  # hiragana, katakana (also half-width)
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _LanguageOfText(HTMLParser):
    """Each text of the page's body with the language it is marked in (the nearest `lang`)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.texts: list[tuple[str, str]] = []
        self.page_language = ""

    def _language(self) -> str:
        for _tag, language in reversed(self.stack):
            if language:
                return language.lower()
        return self.page_language

    def handle_starttag(self, tag, attrs):
        language = dict(attrs).get("lang")
        if tag == "html":
            self.page_language = (language or "").lower()
            return
        if tag not in VOID:
            self.stack.append((tag, language))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if data.strip() and not any(tag in ("title", "script", "style") for tag, _language in self.stack):
            self.texts.append((data.strip(), self._language()))


def texts_by_language(html: str) -> tuple[str, list[tuple[str, str]]]:
    parser = _LanguageOfText()
    parser.feed(html)
    return parser.page_language, parser.texts


def unmarked_japanese(html: str, japanese_strings: tuple[str, ...] = ()) -> list[str]:
    """Japanese text that is not marked lang="ja" on a page in another language (WCAG 3.1.2).

    Kana is Japanese on any page; Chinese characters are Japanese on pages that are not Chinese;
    `japanese_strings` (e.g. seeded city texts) are looked for by content on Chinese pages too.
    """
    page_language, texts = texts_by_language(html)
    if page_language == "ja":
        return []
    found = []
    for text, language in texts:
        if language == "ja":
            continue
        chinese_allowed = page_language == "zh-hans" or language == "zh-hans"
        if KANA.search(text) or (HAN.search(text) and not chinese_allowed) or \
                any(string in text for string in japanese_strings):
            found.append(text)
    return found
