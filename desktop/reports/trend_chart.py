"""The monthly trend chart drawn with QPainter on a QImage (offscreen and in a worker).

Grey bars: visits completed (their own scale, the number on each bar); lines: 911 calls and ED
visits per 100 client-months. A value suppressed for sharing is not drawn: its text ("<11",
"n<11") is written in its place, so the chart never reveals what the table hides.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from caseload.reports.measure import Measure, format_value, shown
from caseload.reports.trend import TREND_KINDS
from desktop.reports.chart import titled_canvas

BARS = QColor(222, 222, 222)
LINES = {"call_911": QColor(214, 39, 40), "ed_visit": QColor(31, 119, 180)}
LINE_LABELS = {"call_911": "911 calls", "ed_visit": "ED visits"}


@dataclass(frozen=True, slots=True)
class TrendValue:
    value: float | None  # None: not drawn
    text: str  # what is written at the point ("12.3", "<11", "n<11", "n/a")


@dataclass(frozen=True, slots=True)
class TrendMonth:
    label: str  # "Mar 2026"
    visits: TrendValue
    rates: dict[str, TrendValue]  # event kind -> per 100 client-months


def _value(m: Measure, below: int) -> TrendValue:
    text = shown(m, below) if below else format_value(m)
    hidden = m.value is None or text.startswith(("<", "n<"))
    return TrendValue(None if hidden else m.value, text)


def trend_months(measures: Sequence[Measure], below: int) -> list[TrendMonth]:
    """The trend measures regrouped per month, in order; `below` 0 shows everything."""
    by_key = {(m.key, m.subgroup): m for m in measures if m.key.startswith("trend_")}
    months = sorted({sub for key, sub in by_key if key == "trend_visits_completed"})
    out = []
    for sub in months:
        visits = by_key[("trend_visits_completed", sub)]
        label = visits.label.rsplit(", ", 1)[-1]
        rates = {k: _value(by_key[(f"trend_{k}_rate", sub)], below) for k in TREND_KINDS}
        out.append(TrendMonth(label, _value(visits, below), rates))
    return out


def draw_trend_chart(months: Sequence[TrendMonth], width: int, height: int) -> QImage:
    title = "Month by month (lines: per 100 client-months enrolled)"
    with titled_canvas(width, height, title, font_px=14) as (image, painter, unit):
        left, top, bottom = 10 * unit, 44 * unit, 30 * unit
        _legend(painter, unit, 24 * unit)
        plot = QRectF(left, top, width - 2 * left, height - top - bottom)
        painter.setPen(QPen(QColor(80, 80, 80), unit))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        if not months:
            painter.drawText(plot, int(Qt.AlignmentFlag.AlignCenter), "no months")
            return image
        slot = plot.width() / len(months)
        top_visits = max((m.visits.value or 0.0 for m in months), default=0.0) or 1.0
        rates = [v.value for m in months for v in m.rates.values() if v.value is not None]
        top_rate = max(rates, default=0.0) or 1.0
        style = _label_style([m.label for m in months], slot, painter)
        for i, month in enumerate(months):
            x = plot.left() + i * slot
            painter.setPen(QColor("black"))
            painter.drawText(
                QRectF(x, plot.bottom() + 4 * unit, slot, bottom - 4 * unit),
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                _styled(month.label, style),
            )
            v = month.visits
            h = 0.0 if v.value is None else plot.height() * 0.8 * v.value / top_visits
            bar = QRectF(x + slot * 0.2, plot.bottom() - h, slot * 0.6, h)
            painter.fillRect(bar, BARS)
            painter.setPen(QColor(90, 90, 90))
            # Inside the bar's foot: clear of the lines, which sit higher.
            painter.drawText(
                QRectF(x, plot.bottom() - 18 * unit, slot, 16 * unit),
                int(Qt.AlignmentFlag.AlignCenter),
                v.text,
            )
        for line, (kind, colour) in enumerate(LINES.items()):
            points: list[QPointF | None] = []
            for i, month in enumerate(months):
                r = month.rates[kind]
                cx = plot.left() + (i + 0.5) * slot
                if r.value is None:
                    points.append(None)
                    if r.text != "n/a":  # no one enrolled that month: nothing to say
                        painter.setPen(colour)
                        painter.drawText(
                            QRectF(cx - slot / 2, plot.top() + line * 16 * unit, slot, 16 * unit),
                            int(Qt.AlignmentFlag.AlignCenter),
                            r.text,
                        )
                    continue
                points.append(QPointF(cx, plot.bottom() - plot.height() * 0.8 * r.value / top_rate))
            _line(painter, points, colour, unit)
            for p in points:
                if p is not None:
                    painter.setBrush(colour)
                    painter.drawEllipse(p, 3.5 * unit, 3.5 * unit)
            for i, p in enumerate(points):
                if p is not None:
                    painter.setPen(colour)
                    painter.drawText(
                        QRectF(p.x() - slot / 2, p.y() - 20 * unit, slot, 16 * unit),
                        int(Qt.AlignmentFlag.AlignCenter),
                        months[i].rates[kind].text,
                    )
    return image


def _label_style(labels: Sequence[str], room: float, painter: QPainter) -> int:
    """One style for every month: 0 "Mar 2026", 1 "Mar '26", 2 "Mar", 3 "M" (as room allows)."""
    metrics = painter.fontMetrics()
    for style in range(3):
        if all(metrics.horizontalAdvance(_styled(t, style)) <= room for t in labels):
            return style
    return 3


def _styled(label: str, style: int) -> str:
    return (label, f"{label[:3]} '{label[-2:]}", label[:3], label[:1])[style]


def _line(painter: QPainter, points: list[QPointF | None], colour: QColor, unit: float) -> None:
    painter.setPen(QPen(colour, 2 * unit))
    for a, b in itertools.pairwise(points):
        if a is not None and b is not None:
            painter.drawLine(a, b)


def _legend(painter: QPainter, unit: float, y: float) -> None:
    x = 10 * unit
    entries = [("visits completed (bars)", BARS)] + [
        (LINE_LABELS[k], LINES[k]) for k in TREND_KINDS
    ]
    metrics = painter.fontMetrics()
    for text, colour in entries:
        painter.fillRect(QRectF(x, y + 4 * unit, 10 * unit, 10 * unit), colour)
        painter.setPen(QColor("black"))
        painter.drawText(
            QRectF(x + 14 * unit, y, 300 * unit, 18 * unit),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            text,
        )
        x += 14 * unit + metrics.horizontalAdvance(text) + 24 * unit
