"""The supervisor's map: each clinician's clients in the clinician's colour (after the ticked
moves), clinicians' bases as squares, clients without a clinician in grey."""

from __future__ import annotations

from caseload.settings import ProgramSettings
from desktop.rebalance_view import RebalanceMapState, RebalanceView
from maps.model import UNASSIGNED_COLOR, MapData, MapMarker, popup_html
from maps.outline import Ring


def rebalance_map_data(state: RebalanceMapState, outline: tuple[Ring, ...] = ()) -> MapData:
    """Markers keyed `base:<clinician id>` and `client:<client id>`; `outline`: the program's
    area outline (none by default)."""
    snapshot = state.snapshot
    names = {c.clinician_id: c.name for c in snapshot.clinicians}
    markers: list[MapMarker] = []
    for clinician in snapshot.clinicians:
        if clinician.base is None:
            continue
        markers.append(
            MapMarker(
                key=f"base:{clinician.clinician_id}",
                position=clinician.base,
                group=clinician.name,
                color=state.colors.get(clinician.clinician_id, UNASSIGNED_COLOR),
                kind="base",
                tooltip=f"{clinician.name} — {clinician.base_name}",
            )
        )
    for client in snapshot.clients:
        if client.location is None:
            continue
        clinician_id = state.assignment.get(client.client_id, client.clinician_id)
        moved = clinician_id != client.clinician_id
        carrier = (
            names.get(clinician_id, "unassigned") if clinician_id is not None else ("unassigned")
        )
        markers.append(
            MapMarker(
                key=f"client:{client.client_id}",
                position=client.location,
                group=carrier,
                color=state.colors.get(clinician_id, UNASSIGNED_COLOR)
                if clinician_id is not None
                else UNASSIGNED_COLOR,
                tier=client.tier if client.tier in ("MUST", "HIGH", "ROUTINE") else "ROUTINE",  # type: ignore[arg-type]
                kind="client",
                label="→" if moved else "",
                tooltip=f"{client.name} — {carrier}" + (" (proposed move)" if moved else ""),
                popup_html=popup_html(
                    client.name,
                    [("Clinician", carrier)]
                    + (
                        [("Was", names.get(client.clinician_id or -1, "unassigned"))]
                        if moved
                        else []
                    ),
                ),
            )
        )
    legend = tuple(
        (c.name, state.colors.get(c.clinician_id, UNASSIGNED_COLOR)) for c in snapshot.clinicians
    )
    if any(m.color == UNASSIGNED_COLOR and m.kind == "client" for m in markers):
        legend += (("Unassigned", UNASSIGNED_COLOR),)
    return MapData(markers=tuple(markers), outline=outline, title="Caseloads", legend=legend)


def install_caseload_map(view: RebalanceView, program: ProgramSettings) -> None:
    """Put the caseload map in `view`'s map panel (tiles and outline from `program`); it fits
    the data once, then keeps the user's zoom as moves are ticked."""
    from desktop.map_view import PlanMapView

    caseload_map = PlanMapView(
        tile_url=program.tile_url or None, tile_attribution=program.tile_attribution
    )
    fitted: list[bool] = []
    outline = program.outline()

    def update(state: RebalanceMapState) -> None:
        caseload_map.update_map(rebalance_map_data(state, outline), fit=not fitted)
        fitted.append(True)

    view.set_map_view(caseload_map, update)
