"""The CJK fonts posters are set in, found at run time where Debian's font packages install them."""
from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from studio.errors import StudioError

# Noto Sans CJK (fonts-noto-cjk) first: regular and bold, full GB 2312 coverage. WenQuanYi Micro Hei
# (fonts-wqy-microhei) has one weight and is the fallback.
_CANDIDATES = {
    "regular": ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"],
    "bold": ["/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
             "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
             "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"],
}
MISSING_FONT = ("没有找到中文字体 / no CJK font installed: install the Debian package fonts-noto-cjk "
                "(`make setup` does, or `apt-get install fonts-noto-cjk`), or set STUDIO_POSTER_FONT")


class FontMissing(StudioError):
    status = 500


def font_path(weight: str = "regular") -> Path:
    """The installed font file for this weight; STUDIO_POSTER_FONT overrides both weights."""
    override = os.environ.get("STUDIO_POSTER_FONT")
    candidates = [override] if override else _CANDIDATES[weight]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise FontMissing(MISSING_FONT)


@lru_cache(maxsize=8)
def _simplified_chinese_index(path: str) -> int:
    """A .ttc holds several faces; Noto's holds JP, KR, SC, TC and HK: take the Simplified Chinese one."""
    for index in range(16):
        try:
            family, _ = ImageFont.truetype(path, 12, index=index).getname()
        except OSError:
            break
        if family and (family.endswith(" SC") or "Micro Hei" in family):
            return index
    return 0


@lru_cache(maxsize=256)
def load_font(weight: str, size: int) -> ImageFont.FreeTypeFont:
    """The font at this pixel size, cached: fitting tries several sizes per box."""
    path = str(font_path(weight))
    return ImageFont.truetype(path, size, index=_simplified_chinese_index(path))


_NO_GLYPH_PROBE = "\u0378"  # a code point Unicode never assigned: every font draws its .notdef box for it


@lru_cache(maxsize=8192)
def has_glyph(weight: str, char: str) -> bool:
    """Whether the font draws this character itself rather than its empty-box .notdef glyph."""
    font = load_font(weight, 16)

    def shape(text: str):
        mask = font.getmask(text)
        return mask.size, bytes(mask)

    return char.isspace() or shape(char) != shape(_NO_GLYPH_PROBE)


def drawable(text: str, weight: str = "regular") -> str:
    """The text without control characters and without characters the font has no glyph for (most emoji):
    a poster shows nothing rather than an empty box."""
    kept = []
    for char in text:
        if char == "\n" or (unicodedata.category(char)[0] != "C" and has_glyph(weight, char)):
            kept.append(char)
    return re.sub(r"[ \t]{2,}", " ", "".join(kept)).strip()
