"""What the planning map shows for a day plan: stops per crew in route order, crew bases,
routes, and unassigned visits in grey."""

from __future__ import annotations

from caseload.planning.model import DayPlan, stop_deadline_text
from caseload.settings import ProgramSettings
from maps.model import UNASSIGNED_COLOR, MapData, MapMarker, MapPolyline, group_colors, popup_html
from routing.geo import LatLon


def crew_colors(plan: DayPlan | None) -> dict[str, str]:
    if plan is None:
        return {}
    return group_colors(r.crew.name for r in plan.routes)


def base_key(crew_name: str) -> str:
    return f"base:{crew_name}"


def plan_map_data(plan: DayPlan | None, program: ProgramSettings, *, title: str = "") -> MapData:
    """Markers keyed by candidate key (stops, unassigned) or `base:<crew>` (bases)."""
    outline, zone = program.outline(), program.zone
    if plan is None:
        return MapData(outline=outline, title=title)
    colors = crew_colors(plan)
    markers: list[MapMarker] = []
    polylines: list[MapPolyline] = []
    seen_bases: set[LatLon] = set()
    for route in plan.routes:
        crew = route.crew
        color = colors[crew.name]
        if crew.base is not None and crew.base not in seen_bases:
            seen_bases.add(crew.base)
            markers.append(
                MapMarker(
                    key=base_key(crew.name),
                    position=crew.base,
                    group=crew.name,
                    color=color,
                    kind="base",
                    tooltip=f"{crew.base_name} ({crew.name})",
                    popup_html=popup_html(
                        crew.base_name or crew.name, [("Crew", f"{crew.name}: {crew.member_names}")]
                    ),
                )
            )
        points: list[LatLon] = [crew.base] if crew.base is not None else []
        for stop in route.stops:
            if stop.location is None:
                continue
            points.append(stop.location)
            eta = stop.start.astimezone(zone).strftime("%H:%M")
            due = stop_deadline_text(stop, zone)
            markers.append(
                MapMarker(
                    key=stop.key,
                    position=stop.location,
                    label=str(stop.seq),
                    group=crew.name,
                    color=color,
                    tier=stop.tier.value,
                    kind="stop",
                    pinned=stop.pinned,
                    locked=stop.locked,
                    tooltip=f"{stop.seq}. {stop.name} — {eta}"
                    + (f" ({due})" if due else "")
                    + (" · pinned" if stop.pinned else "")
                    + (" · locked" if stop.locked else ""),
                    popup_html=popup_html(
                        f"{stop.seq}. {stop.name}",
                        [
                            ("Crew", crew.name),
                            ("ETA", eta),
                            *((("Deadline", due),) if due else ()),
                            ("Purpose", stop.purpose),
                            ("Where", stop.location_text),
                            *(("Why", r) for r in stop.reasons[:1]),
                        ],
                    ),
                )
            )
        if crew.base is not None and route.stops:
            points.append(crew.base)
        if len(points) >= 2:
            polylines.append(
                MapPolyline(
                    group=crew.name,
                    color=color,
                    points=tuple(points),
                    tooltip=f"{crew.name}: {len(route.stops)} stops",
                )
            )
    for item in plan.unassigned:
        cand = item.candidate
        if cand.location is None:
            continue
        markers.append(
            MapMarker(
                key=cand.key,
                position=cand.location,
                color=UNASSIGNED_COLOR,
                tier=cand.tier.value,
                kind="unassigned",
                tooltip=f"{cand.name} — not planned",
                popup_html=popup_html(
                    cand.name, [("Not planned", item.reason), ("Purpose", cand.purpose)]
                ),
            )
        )
    legend = [(f"{r.crew.name} ({len(r.stops)})", colors[r.crew.name]) for r in plan.routes]
    if plan.unassigned:
        legend.append((f"Not planned ({len(plan.unassigned)})", UNASSIGNED_COLOR))
    return MapData(
        markers=tuple(markers),
        polylines=tuple(polylines),
        outline=outline,
        title=title,
        legend=tuple(legend),
    )
