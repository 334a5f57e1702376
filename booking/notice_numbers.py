"""Notice numbers as citizens type them and as the city prints them (WEB-2).

Input is normalised before anything else: full-width (全角) letters and digits to half-width
(NFKC), hyphens, dashes, long-vowel marks and spaces dropped, letters upper-cased. What is left
must be letters A–Z and digits only, at most `MAX_LENGTH` of them: the size of every column that
keeps a number. Anything else is refused before it reaches the database.
"""
from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 32
MAX_INPUT_LENGTH = 64  # as typed: separators and spaces included
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−ー－_]")
_VALID = re.compile(rf"^[A-Z0-9]{{1,{MAX_LENGTH}}}$")


def normalise_notice_number(raw: str) -> str:
    """Full-width to half-width, separators and spaces dropped, letters upper-cased."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw or "")).upper()


def notice_number_well_formed(normalised: str) -> bool:
    """Letters and digits only, 1 to MAX_LENGTH of them (any city's pattern is narrower)."""
    return bool(_VALID.match(normalised))


def notice_number_matches(normalised: str, pattern: str) -> bool:
    """Whether a normalised number has the form a city uses (its `notice_number_pattern`)."""
    return notice_number_well_formed(normalised) and bool(re.fullmatch(pattern, normalised))
