"""The Plan page's detail area: everything about the selected stop or unplanned visit in
wrapping text, so no explanation hides behind an elided cell or a sideways scroll bar."""

from __future__ import annotations

import html
from datetime import tzinfo

from caseload.planning.model import CrewRoute, PlannedStop, UnassignedVisit, deadline_text
from desktop.plan.flag_icons import flag_text
from desktop.plan.models import hhmm, minutes_text

HINT = "Select a stop or an unplanned visit to read all about it here."


def stop_detail_html(route: CrewRoute, stop: PlannedStop, zone: tzinfo | None) -> str:
    e = html.escape
    timing = f"arrives {hhmm(stop.arrival, zone)}"
    if stop.waiting_s >= 60:
        timing += f", waits {stop.waiting_s // 60} min"
    timing += f", starts {hhmm(stop.start, zone)}, leaves {hhmm(stop.departure, zone)}"
    lines = [
        f"<b>{stop.seq}. {e(stop.name)}</b> ({stop.tier.value}) — {e(stop.purpose)}"
        f" · {e(route.crew.name)}: {timing}",
    ]
    if stop.window is not None:
        lines.append(f"Appointment {hhmm(stop.window[0], zone)}–{hhmm(stop.window[1], zone)}")
    if stop.due_by is not None:
        late = minutes_text(stop.lateness)
        due = e(deadline_text(stop.due_by, stop.start, zone))
        lines.append(due + (f" — <b>{late} late</b>" if late else ""))
    flags = flag_text(pinned=stop.pinned, locked=stop.locked, crew=route.crew.name)
    if flags:
        lines.append(e(flags))
    lines.append(f"Where: {e(stop.location_text)}")
    if stop.reasons:
        lines.append("Why: " + e("; ".join(stop.reasons)))
    return "<br>".join(lines)


def unassigned_detail_html(item: UnassignedVisit) -> str:
    e, cand = html.escape, item.candidate
    lines = [
        f"<b>{e(cand.name)}</b> ({cand.tier.value}) — {e(cand.purpose)}: not planned",
        f"Why not: {e(item.reason)}",
    ]
    if cand.reasons:
        lines.append("Priority: " + e("; ".join(cand.reasons)))
    return "<br>".join(lines)
