"""A grouped bar chart drawn with QPainter on a QImage (works offscreen and in a worker).

Pairs of bars (before, after enrolment) per group; a group whose value is suppressed or
unknown shows its reason instead of bars, so a chart never reveals what a table hides.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen

BEFORE = QColor(150, 150, 150)
AFTER = QColor(31, 119, 180)


@contextmanager
def titled_canvas(
    width: int, height: int, title: str, *, font_px: int
) -> Iterator[tuple[QImage, QPainter, float]]:
    """A white image with `title` on its first line and a painter set up for it (antialiased,
    DejaVu Sans at `font_px` scaled by the image's height); yields (image, painter, unit) and
    ends the painter after."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        unit = max(1.0, height / 300)
        font = QFont("DejaVu Sans")
        font.setPixelSize(int(font_px * unit))
        painter.setFont(font)
        painter.drawText(
            QRectF(10 * unit, 0, width, 24 * unit),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            title,
        )
        yield image, painter, unit
    finally:
        painter.end()


@dataclass(frozen=True, slots=True)
class BarGroup:
    label: str  # e.g. "ED visits, 180 days"
    before: float | None
    after: float | None
    hidden: str = ""  # why the bars are not drawn (e.g. "n<11"); "" draws them


def draw_before_after_chart(
    groups: Sequence[BarGroup], width: int, height: int, *, title: str
) -> QImage:
    with titled_canvas(width, height, title, font_px=15) as (image, painter, unit):
        left, top, bottom = 10 * unit, 48 * unit, 44 * unit
        _legend(painter, left, unit)  # its own line: the chart may be drawn narrow
        plot = QRectF(left, top, width - 2 * left, height - top - bottom)
        values = [v for g in groups if not g.hidden for v in (g.before, g.after) if v is not None]
        top_value = max(values, default=0.0) or 1.0
        painter.setPen(QPen(QColor(80, 80, 80), unit))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        slot = plot.width() / max(1, len(groups))
        bar = slot * 0.3
        for i, g in enumerate(groups):
            x0 = plot.left() + i * slot + (slot - 2 * bar) / 2
            label_box = QRectF(plot.left() + i * slot, plot.bottom() + 4 * unit, slot, bottom)
            painter.setPen(QColor("black"))
            painter.drawText(
                label_box, int(Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap), g.label
            )
            reason = g.hidden or ("no data" if g.before is None or g.after is None else "")
            if reason:
                painter.drawText(
                    QRectF(x0, plot.bottom() - 30 * unit, 2 * bar, 24 * unit),
                    int(Qt.AlignmentFlag.AlignCenter),
                    reason,
                )
                continue
            for j, (value, colour) in enumerate(((g.before, BEFORE), (g.after, AFTER))):
                assert value is not None
                h = plot.height() * 0.85 * value / top_value
                box = QRectF(x0 + j * bar, plot.bottom() - h, bar * 0.92, h)
                painter.fillRect(box, colour)
                painter.drawText(
                    QRectF(box.left() - bar, box.top() - 20 * unit, bar * 3, 18 * unit),
                    int(Qt.AlignmentFlag.AlignCenter),
                    f"{value:.1f}",
                )
    return image


def _legend(painter: QPainter, x: float, unit: float) -> None:
    for i, (text, colour) in enumerate((("before enrolment", BEFORE), ("after", AFTER))):
        at = x + i * 200 * unit
        painter.fillRect(QRectF(at, 29 * unit, 10 * unit, 10 * unit), colour)
        painter.setPen(QColor("black"))
        painter.drawText(
            QRectF(at + 14 * unit, 24 * unit, 185 * unit, 20 * unit),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            text,
        )
