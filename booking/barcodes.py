"""Barcodes the product prints and reads (DATA-3).

Read: the notice number as printed on the postcard (normalised like a typed one), a card's serial,
and the product's own labels. Printed: Code128, the product's own labels only:

    BOX-<box code>      a storage box's label           e.g. BOX-K-001
    CARD-<card serial>  a line of the pull list         e.g. CARD-SN0000000001

The prefixes keep a label from being taken for a notice number or a serial. Keyboard-wedge
readers type what they read, then Enter; letters, digits and hyphens are on the same keys on
JIS and US keyboards. SVG comes from python-barcode's own writer (pure Python, no binary).
"""
from __future__ import annotations

import io
import re
import unicodedata

from barcode import Code128
from barcode.writer import SVGWriter

BOX_PREFIX = "BOX-"
CARD_PREFIX = "CARD-"
_XML_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.S)


def box_label_code(box_code: str) -> str:
    return f"{BOX_PREFIX}{box_code}"


def card_label_code(serial: str) -> str:
    return f"{CARD_PREFIX}{serial}"


def read_label(scanned: str) -> tuple[str, str] | None:
    """("box", code) or ("card", serial) for the product's own labels; None for anything else."""
    text = re.sub(r"\s", "", unicodedata.normalize("NFKC", scanned or "")).upper()
    for kind, prefix in (("box", BOX_PREFIX), ("card", CARD_PREFIX)):
        if text.startswith(prefix) and len(text) > len(prefix):
            return kind, text[len(prefix):]
    return None


def code128_svg(data: str, *, module_width: float = 0.25, module_height: float = 9.0,
                with_text: bool = True) -> str:
    """An inline <svg> element (no XML prologue) of `data` in Code128, sized in millimetres."""
    if not data or not data.isascii():
        raise ValueError("Code128 labels carry ASCII only")
    out = io.BytesIO()
    Code128(data, writer=SVGWriter()).write(out, options={
        "module_width": module_width, "module_height": module_height, "write_text": with_text,
        "font_size": 8, "text_distance": 3.5, "quiet_zone": 2.5, "compress": False,
    })
    svg = out.getvalue().decode("utf-8")
    svg = _XML_PROLOGUE.sub("", svg, count=1)
    svg = re.sub(r"\s*<!--.*?-->", "", svg, flags=re.S)
    svg = svg.replace(' id="barcode_group"', "")  # many labels on one page: no repeated ids
    # presentation attributes instead of style="…": every SVG renderer (weasyprint too) reads them
    return re.sub(r'style="([^"]*)"', _style_to_attributes, svg)


def _style_to_attributes(match: re.Match) -> str:
    pairs = [item.split(":", 1) for item in match.group(1).split(";") if ":" in item]
    return " ".join(f'{name.strip()}="{value.strip()}"' for name, value in pairs)


def box_label_svg(box_code: str) -> str:
    return code128_svg(box_label_code(box_code))


def card_label_svg(serial: str, *, with_text: bool = True) -> str:
    return code128_svg(card_label_code(serial), module_height=7.0, with_text=with_text)
