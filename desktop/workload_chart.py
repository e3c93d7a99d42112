"""A horizontal bar chart of workload against capacity per clinician, before and after moves.

Drawn with QPainter: one row per clinician, a thin grey bar for the hours now, a thick bar in
the clinician's colour for the hours after the ticked moves, and a black tick at capacity.
Hovering a row shows how the numbers are made up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from caseload.rebalance import ClinicianLoad
from maps.model import palette

# Okabe & Ito and Paul Tol's muted colours: distinguishable with common colour-vision deficiencies.
PALETTE: tuple[str, ...] = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
    "#332288", "#882255", "#117733", "#AA4499", "#44AA99", "#999933",
)  # fmt: skip
BEFORE_COLOR = "#B0B0B0"
OVER_COLOR = "#C62828"


def clinician_colors(clinician_ids: Sequence[int]) -> dict[int, str]:
    """A stable colour per clinician (in the order given), shared by the chart and the map."""
    return dict(zip(clinician_ids, palette(len(clinician_ids)), strict=True))


@dataclass(frozen=True, slots=True)
class ChartBar:
    """One clinician's row, as drawn."""

    clinician_id: int
    name: str
    capacity_hours: float
    before_hours: float
    after_hours: float
    color: str
    tooltip: str = ""

    @property
    def over_capacity_after(self) -> bool:
        return self.after_hours > self.capacity_hours


class WorkloadChart(QWidget):
    ROW_H = 26
    NAME_W = 150
    RIGHT_W = 150

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bars: list[ChartBar] = []
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName("Workload against capacity per clinician")

    def set_bars(self, bars: Sequence[ChartBar]) -> None:
        self._bars = list(bars)
        self.updateGeometry()
        self.update()

    def bars(self) -> list[ChartBar]:
        return list(self._bars)

    def sizeHint(self) -> QSize:
        return QSize(520, 30 + self.ROW_H * max(len(self._bars), 3))

    def minimumSizeHint(self) -> QSize:
        return QSize(360, 30 + self.ROW_H * max(len(self._bars), 1))

    def _scale_max(self) -> float:
        values = [max(b.capacity_hours, b.before_hours, b.after_hours) for b in self._bars]
        return max([*values, 1.0]) * 1.05

    def row_at(self, y: float) -> int | None:
        row = int((y - 24) // self.ROW_H)
        return row if 0 <= row < len(self._bars) and y >= 24 else None

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            row = self.row_at(event.pos().y())
            if row is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self._bars[row].tooltip, self)
            return True
        return super().event(event)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            self._paint(painter)
        finally:
            painter.end()

    def _paint(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.base())
        text_pen = QPen(palette.text().color())
        painter.setPen(text_pen)
        width = self.width()
        plot_left = self.NAME_W
        plot_w = max(width - self.NAME_W - self.RIGHT_W, 40)
        top = 24.0
        painter.drawText(
            QRectF(4, 2, width - 8, 20),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            "h/wk — grey: now; colour: after ticked moves (red: beyond capacity); tick: capacity",
        )
        if not self._bars:
            painter.drawText(
                QRectF(0, top, width, 40), int(Qt.AlignmentFlag.AlignCenter), "No clinicians"
            )
            return
        scale = plot_w / self._scale_max()
        for i, bar in enumerate(self._bars):
            y = top + i * self.ROW_H
            painter.setPen(text_pen)
            painter.drawText(
                QRectF(4, y, self.NAME_W - 8, self.ROW_H),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                bar.name,
            )
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(BEFORE_COLOR))
            painter.drawRect(QRectF(plot_left, y + 4, bar.before_hours * scale, 5))
            within = min(bar.after_hours, bar.capacity_hours)
            painter.setBrush(QColor(bar.color))
            painter.drawRect(QRectF(plot_left, y + 11, within * scale, 11))
            if bar.over_capacity_after:  # the part beyond capacity in red
                painter.setBrush(QColor(OVER_COLOR))
                excess = (bar.after_hours - within) * scale
                painter.drawRect(QRectF(plot_left + within * scale, y + 11, excess, 11))
            cap_x = plot_left + bar.capacity_hours * scale
            painter.setPen(QPen(QColor("#000000"), 2))
            painter.drawLine(QPointF(cap_x, y + 2), QPointF(cap_x, y + self.ROW_H - 2))
            painter.setPen(text_pen)
            painter.drawText(
                QRectF(width - self.RIGHT_W, y, self.RIGHT_W - 4, self.ROW_H),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                f"{bar.after_hours:.1f} / {bar.capacity_hours:.1f} h{_percent(bar)}",
            )


def _percent(bar: ChartBar) -> str:
    return f" ({bar.after_hours / bar.capacity_hours:.0%})" if bar.capacity_hours > 0 else ""


def build_bars(
    before: Sequence[ClinicianLoad],
    after: Sequence[ClinicianLoad],
    colors: Mapping[int, str],
    tooltips: Mapping[int, str],
) -> list[ChartBar]:
    """Bars from two aligned lists of `ClinicianLoad`s."""
    return [
        ChartBar(
            clinician_id=b.clinician_id,
            name=b.name,
            capacity_hours=b.capacity_hours,
            before_hours=b.load_hours,
            after_hours=a.load_hours,
            color=colors.get(b.clinician_id, PALETTE[0]),
            tooltip=tooltips.get(b.clinician_id, ""),
        )
        for b, a in zip(before, after, strict=True)
    ]
