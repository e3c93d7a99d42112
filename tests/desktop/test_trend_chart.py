"""The trend chart's months: regrouped in order, suppressed values not drawn."""

from __future__ import annotations

from typing import Any

from caseload.reports.measure import Group, Measure, Unit
from desktop.reports.trend_chart import draw_trend_chart, trend_months


def month(sub: str, label: str, visits: int, rate: float, basis: int) -> list[Measure]:
    return [
        Measure(
            "trend_visits_completed",
            Group.PROCESS,
            f"Visits, {label}",
            "d",
            visits,
            Unit.COUNT,
            sub,
        ),
        *(
            Measure(
                f"trend_{k}_rate",
                Group.OUTCOME,
                f"{k}, {label}",
                "d",
                rate,
                Unit.RATE,
                sub,
                basis=basis,
            )
            for k in ("call_911", "ed_visit")
        ),
    ]


def test_trend_months_in_order_and_suppressed(qtbot: Any) -> None:
    measures = [
        *month("2026-03", "Mar 2026", 5, 12.5, 4),
        *month("2026-02", "Feb 2026", 40, 20.0, 30),
    ]
    shared = trend_months(measures, 11)
    assert [m.label for m in shared] == ["Feb 2026", "Mar 2026"]
    assert (shared[1].visits.value, shared[1].visits.text) == (None, "<11")
    assert (shared[1].rates["call_911"].value, shared[1].rates["call_911"].text) == (None, "n<11")
    assert shared[0].rates["ed_visit"].value == 20.0
    internal = trend_months(measures, 0)
    assert internal[1].visits.value == 5 and internal[1].rates["call_911"].text == "12.5"
    image = draw_trend_chart(shared, 600, 200)
    assert (image.width(), image.height()) == (600, 200)
