"""QR codes that scan: drawn with segno, read back with zxing-cpp."""
from __future__ import annotations

import io

import segno
import zxingcpp
from PIL import Image

QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks


def qr_image(data: str, size: int, *, with_logo: bool = False, dark=(0, 0, 0), light=(255, 255, 255)) -> Image.Image:
    """A square RGB QR code of about `size` pixels, with whole pixels per module and its quiet zone.

    High error correction (H, 30 %) when a logo will cover the middle, medium otherwise.
    """
    code = segno.make_qr(data, error="h" if with_logo else "m", boost_error=not with_logo)
    modules = len(code.matrix) + 2 * QUIET_ZONE
    scale = max(2, size // modules)
    mask = Image.new("1", (modules, modules), 0)
    for y, row in enumerate(code.matrix):
        for x, bit in enumerate(row):
            if bit:
                mask.putpixel((x + QUIET_ZONE, y + QUIET_ZONE), 1)
    mask = mask.resize((modules * scale, modules * scale), Image.Resampling.NEAREST)
    image = Image.new("RGB", mask.size, light)
    image.paste(dark, (0, 0), mask)
    return image


def decode_qr(image: Image.Image) -> list[str]:
    """Every QR code text zxing finds in the image."""
    return [result.text for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def decode_encoded(data: bytes) -> list[str]:
    """Decode the QR codes of an encoded image file (JPEG, WebP, PNG), as a phone would see it."""
    with Image.open(io.BytesIO(data)) as image:
        return decode_qr(image.convert("L"))
