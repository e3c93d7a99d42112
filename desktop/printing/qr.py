"""QR codes as crisp black-and-white QImages (no Pillow, no QPixmap: safe in a worker thread)."""

from __future__ import annotations

import qrcode
from PySide6.QtGui import QImage

MODULE_PX = 6  # pixels per QR module: scaled by whole pixels so printing stays sharp
_DARK, _LIGHT = b"\x00", b"\xff"


def qr_image(data: str, *, module_px: int = MODULE_PX, border: int = 2) -> QImage:
    """`data` (e.g. a geo: URI or a maps URL) as a QR code, error correction M."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1, border=border
    )
    code.add_data(data)
    code.make(fit=True)
    matrix: list[list[bool]] = code.get_matrix()
    size = len(matrix) * module_px
    rows = []
    for row in matrix:
        line = b"".join((_DARK if dark else _LIGHT) * module_px for dark in row)
        rows.append(line * module_px)
    pixels = b"".join(rows)
    # The QImage borrows `pixels`: copy() gives it its own memory before `pixels` goes away.
    image = QImage(pixels, size, size, size, QImage.Format.Format_Grayscale8).copy()
    return image.convertToFormat(QImage.Format.Format_Mono)
