"""Pin and lock marks for a stop's row, painted (no font glyph: the bundled fonts may lack
emoji, which then show as an empty box)."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap

ICON_W, ICON_H = 24, 14  # room for both marks side by side
PIN_COLOUR = QColor("#c62828")
LOCK_COLOUR = QColor("#37474f")


def flag_text(*, pinned: bool, locked: bool, crew: str) -> str:
    """The marks in words (tooltips, screen readers)."""
    parts = []
    if pinned:
        parts.append(f"Pinned to {crew}")
    if locked:
        parts.append("Locked (done or fixed): re-planning keeps it in place")
    return " · ".join(parts)


@cache
def flag_icon(*, pinned: bool, locked: bool) -> QIcon:
    """A pin (left) and/or a padlock (right); an empty icon when neither."""
    if not pinned and not locked:
        return QIcon()
    pixmap = QPixmap(ICON_W, ICON_H)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if pinned:
            _draw_pin(painter, 5.0)
        if locked:
            _draw_lock(painter, 18.0)
    finally:
        painter.end()
    return QIcon(pixmap)


def _draw_pin(painter: QPainter, x: float) -> None:
    painter.setPen(QPen(QColor("#212121"), 1.6))
    painter.drawLine(QPointF(x, 6.0), QPointF(x, 13.5))
    painter.setPen(QPen(QColor("#7f0000"), 1.0))
    painter.setBrush(PIN_COLOUR)
    painter.drawEllipse(QPointF(x, 4.5), 3.8, 3.8)


def _draw_lock(painter: QPainter, x: float) -> None:
    painter.setPen(QPen(LOCK_COLOUR, 1.8))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawArc(QRectF(x - 3.2, 1.0, 6.4, 8.0), 0, 180 * 16)
    painter.drawLine(QPointF(x - 3.2, 5.0), QPointF(x - 3.2, 7.0))
    painter.drawLine(QPointF(x + 3.2, 5.0), QPointF(x + 3.2, 7.0))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(LOCK_COLOUR)
    painter.drawRoundedRect(QRectF(x - 5.0, 6.5, 10.0, 7.0), 1.5, 1.5)
