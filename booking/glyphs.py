"""外字: characters the printing font lacks, marked so pages and PDFs show a visible fallback (DATA-2).

Names are kept as J-LIS wrote them, in Unicode: kanji outside JIS, variants, private-use code
points (the CP932 user-defined area arrives as U+E000–U+E757). The IPA fonts the PDFs use do not
have all of them; a character the font lacks would print as an empty box or vanish. These helpers
find such characters and wrap them in `<span class="gaiji">〓<small>U+XXXX</small></span>`, so the
reader sees that a character is there and which one, and can write it by hand.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

FONT_FILES = (
    "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
)
FALLBACK_MARK = "〓"  # ゲタ記号, the printed sign of a missing character


@lru_cache(maxsize=1)
def _covered() -> frozenset[int] | None:
    """Code points the IPA Gothic font has; None when the font is not installed (nothing is marked)."""
    from fontTools.ttLib import TTFont

    for name in FONT_FILES:
        if Path(name).exists():
            return frozenset(TTFont(name, lazy=True).getBestCmap())
    return None


def font_lacks(char: str) -> bool:
    covered = _covered()
    if covered is None or char.isspace() or ord(char) < 0x80:
        return False
    return ord(char) not in covered


def missing_glyphs(text: str) -> list[str]:
    """The distinct characters of `text` the printing font lacks, in order of appearance."""
    seen: list[str] = []
    for char in text or "":
        if font_lacks(char) and char not in seen:
            seen.append(char)
    return seen


def code_point(char: str) -> str:
    return f"U+{ord(char):04X}"


def with_fallback(text: str) -> SafeString:
    """HTML of `text`, escaped, each character the font lacks shown as 〓 with its code point."""
    parts = []
    for char in text or "":
        if font_lacks(char):
            parts.append(f'<span class="gaiji" title="{code_point(char)}">{FALLBACK_MARK}'
                         f"<small>{code_point(char)}</small></span>")
        else:
            parts.append(escape(char))
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped above
