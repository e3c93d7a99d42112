"""A crew's route drawn offline into a QImage: no tiles, no network.

Equirectangular projection (x = lon * cos(mid latitude), y = lat) fitted to the route's bounds
with a margin, aspect preserved. Drawn: an optional area outline (e.g. the county) for
orientation, the route as straight lines base -> stops -> base (not roads), the base as a square,
each stop as a numbered circle in visiting order, a scale bar and a north arrow.

QImage and QPainter only (never QPixmap), so this runs in a worker thread and offscreen.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPainterPath, QPen, QPolygonF

from caseload.planning.sheets import CrewSheet
from maps.overlap import spread
from routing.geo import LatLon

Ring = Sequence[LatLon]

ROUTE_COLOUR = QColor(20, 70, 160)
STOP_FILL = QColor(255, 255, 255)
BASE_FILL = QColor(200, 30, 30)
OUTLINE_COLOUR = QColor(150, 150, 150)
_M_PER_DEG = 111_320.0


@dataclass(frozen=True, slots=True)
class Projection:
    """Maps LatLon to image pixels: equirectangular, fitted to bounds with a margin."""

    lat_mid: float
    cos_lat: float
    scale: float  # pixels per projected degree
    offset_x: float
    offset_y: float

    @classmethod
    def fit(cls, points: Sequence[LatLon], width: int, height: int, margin: int) -> Projection:
        lats = [p.lat for p in points]
        lons = [p.lon for p in points]
        mid = (min(lats) + max(lats)) / 2
        cos_lat = max(0.05, math.cos(math.radians(mid)))
        # At least ~1 km across, so one stop (or all at one place) is not infinitely zoomed.
        span_x = max((max(lons) - min(lons)) * cos_lat, 0.01)
        span_y = max(max(lats) - min(lats), 0.01)
        usable_w, usable_h = max(1, width - 2 * margin), max(1, height - 2 * margin)
        scale = min(usable_w / span_x, usable_h / span_y)
        centre_x = (min(lons) + max(lons)) / 2 * cos_lat
        centre_y = (min(lats) + max(lats)) / 2
        return cls(
            lat_mid=centre_y,
            cos_lat=cos_lat,
            scale=scale,
            offset_x=width / 2 - centre_x * scale,
            offset_y=height / 2,
        )

    def __call__(self, p: LatLon) -> QPointF:
        x = p.lon * self.cos_lat * self.scale + self.offset_x
        y = self.offset_y - (p.lat - self.lat_mid) * self.scale
        return QPointF(x, y)

    def metres_per_pixel(self) -> float:
        return _M_PER_DEG / self.scale


def _nice_distance(max_m: float) -> float:
    """The largest of 1, 2, 5 x 10^k metres not above `max_m`."""
    if max_m <= 0:
        return 0.0
    k = 10 ** math.floor(math.log10(max_m))
    return float(next(m * k for m in (5, 2, 1) if m * k <= max_m))


def draw_route_map(
    sheet: CrewSheet,
    width: int,
    height: int,
    *,
    outline: Sequence[Ring] = (),
) -> QImage:
    """The crew's route as an image of `width` x `height` pixels (white background)."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        unit = max(1.0, min(width, height) / 300)  # line and label size scale with the image
        stops = [(s.seq, s.location) for s in sheet.stops if s.location is not None]
        points = [*([sheet.base] if sheet.base else []), *(p for _, p in stops)]
        if not points:
            _message(painter, width, height, unit, "No stop has a known position")
            return image
        project = Projection.fit(points, width, height, margin=int(22 * unit))
        _draw_outline(painter, project, outline, unit)
        _draw_route(painter, project, sheet.route, unit)
        if sheet.base is not None:
            _draw_base(painter, project(sheet.base), unit)
        # Stops at (nearly) one place are drawn around it, each with a line to its true spot.
        true_points = [project(where) for _, where in stops]
        edge = 11 * unit  # a spread-out stop stays whole inside the frame
        shown = [
            (min(max(x, edge), width - edge), min(max(y, edge), height - edge))
            for x, y in spread([(p.x(), p.y()) for p in true_points], min_px=21 * unit)
        ]
        for (seq, _), at, (x, y) in reversed(list(zip(stops, true_points, shown, strict=True))):
            if (x, y) != (at.x(), at.y()):
                _draw_leader(painter, at, QPointF(x, y), unit)
            _draw_stop(painter, QPointF(x, y), seq, unit)  # stop 1 drawn last: on top
        _draw_scale_bar(painter, project, width, height, unit)
        _draw_north(painter, width, unit)
        painter.setPen(QPen(QColor(120, 120, 120), unit))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(QRectF(0.5, 0.5, width - 1, height - 1))
    finally:
        painter.end()
    return image


def _message(painter: QPainter, width: int, height: int, unit: float, text: str) -> None:
    font = QFont("DejaVu Sans")
    font.setPixelSize(int(12 * unit))
    painter.setFont(font)
    painter.setPen(QColor(90, 90, 90))
    painter.drawText(QRectF(0, 0, width, height), Qt.AlignmentFlag.AlignCenter, text)


def _draw_outline(
    painter: QPainter, project: Projection, outline: Sequence[Ring], unit: float
) -> None:
    painter.setPen(QPen(OUTLINE_COLOUR, 1.2 * unit, Qt.PenStyle.DashLine))
    painter.setBrush(QBrush(QColor(246, 246, 240)))
    for ring in outline:
        if len(ring) >= 3:
            painter.drawPolygon(QPolygonF([project(p) for p in ring]))


def _draw_route(
    painter: QPainter, project: Projection, route: Sequence[LatLon], unit: float
) -> None:
    if len(route) < 2:
        return
    path = QPainterPath(project(route[0]))
    for p in route[1:]:
        path.lineTo(project(p))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(QColor(255, 255, 255), 5 * unit))  # a halo keeps crossings readable
    painter.drawPath(path)
    pen = QPen(ROUTE_COLOUR, 2.2 * unit)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.drawPath(path)
    for a, b in itertools.pairwise(route):
        _draw_arrow_head(painter, project(a), project(b), unit)


def _draw_arrow_head(painter: QPainter, a: QPointF, b: QPointF, unit: float) -> None:
    dx, dy = b.x() - a.x(), b.y() - a.y()
    length = math.hypot(dx, dy)
    if length < 40 * unit:
        return
    ux, uy = dx / length, dy / length
    tip = QPointF(a.x() + dx * 0.55, a.y() + dy * 0.55)
    size = 6 * unit
    left = QPointF(tip.x() - ux * size - uy * size * 0.6, tip.y() - uy * size + ux * size * 0.6)
    right = QPointF(tip.x() - ux * size + uy * size * 0.6, tip.y() - uy * size - ux * size * 0.6)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(ROUTE_COLOUR)
    painter.drawPolygon(QPolygonF([tip, left, right]))


def _draw_base(painter: QPainter, at: QPointF, unit: float) -> None:
    half = 8 * unit
    painter.setPen(QPen(QColor("black"), 1.5 * unit))
    painter.setBrush(BASE_FILL)
    painter.drawRect(QRectF(at.x() - half, at.y() - half, 2 * half, 2 * half))
    font = QFont("DejaVu Sans")
    font.setPixelSize(int(10 * unit))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(
        QRectF(at.x() - half, at.y() - half, 2 * half, 2 * half), Qt.AlignmentFlag.AlignCenter, "B"
    )


def _draw_leader(painter: QPainter, true_at: QPointF, shown_at: QPointF, unit: float) -> None:
    painter.setPen(QPen(QColor(60, 60, 60), 0.8 * unit))
    painter.drawLine(true_at, shown_at)
    painter.setBrush(QColor(60, 60, 60))
    painter.drawEllipse(true_at, 1.8 * unit, 1.8 * unit)


def _draw_stop(painter: QPainter, at: QPointF, seq: int, unit: float) -> None:
    radius = (9 if seq < 10 else 10.5) * unit
    painter.setPen(QPen(ROUTE_COLOUR, 2 * unit))
    painter.setBrush(STOP_FILL)
    painter.drawEllipse(at, radius, radius)
    font = QFont("DejaVu Sans")
    font.setPixelSize(int((10.5 if seq < 10 else 9) * unit))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("black"))
    box = QRectF(at.x() - radius, at.y() - radius, 2 * radius, 2 * radius)
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, str(seq))


def _draw_scale_bar(
    painter: QPainter, project: Projection, width: int, height: int, unit: float
) -> None:
    metres = _nice_distance(project.metres_per_pixel() * width * 0.25)
    if metres <= 0:
        return
    length = metres / project.metres_per_pixel()
    x0, y0 = 12 * unit, height - 12 * unit
    painter.setPen(QPen(QColor("black"), 1.5 * unit))
    painter.drawLine(QPointF(x0, y0), QPointF(x0 + length, y0))
    for x in (x0, x0 + length):
        painter.drawLine(QPointF(x, y0 - 4 * unit), QPointF(x, y0))
    label = f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"
    font = QFont("DejaVu Sans")
    font.setPixelSize(int(9 * unit))
    painter.setFont(font)
    painter.drawText(QPointF(x0 + length + 4 * unit, y0), label)


def _draw_north(painter: QPainter, width: int, unit: float) -> None:
    x, y = width - 16 * unit, 10 * unit
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("black"))
    painter.drawPolygon(
        QPolygonF(
            [
                QPointF(x, y),
                QPointF(x - 5 * unit, y + 12 * unit),
                QPointF(x + 5 * unit, y + 12 * unit),
            ]
        )
    )
    font = QFont("DejaVu Sans")
    font.setPixelSize(int(10 * unit))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("black"))
    painter.drawText(QRectF(x - 8 * unit, y + 12 * unit, 16 * unit, 14 * unit),
                     Qt.AlignmentFlag.AlignCenter, "N")  # fmt: skip
