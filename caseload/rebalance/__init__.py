"""Caseload rebalancing: the workload model, the CP-SAT reassignment model and its services.

- `workload`: expected hours per week per client and clinician, every number explained.
- `rules`: who may carry whom (language, peer support, program skills).
- `solver`: the CP-SAT model (pure dataclasses in and out).
- `snapshot`: the caseload read from the database as workload facts.
- `service`: `suggest_rebalance`, `move_preview`, `apply_moves` (from `apply`).
"""

from caseload.rebalance.apply import AppliedMove, apply_moves
from caseload.rebalance.service import (
    MovePreview,
    ProposedMove,
    RebalanceProposal,
    move_preview,
    preview_in,
    suggest_rebalance,
)
from caseload.rebalance.snapshot import WorkloadSnapshot, load_snapshot
from caseload.rebalance.workload import ClinicianLoad, RebalanceSettings

__all__ = [
    "AppliedMove",
    "ClinicianLoad",
    "MovePreview",
    "ProposedMove",
    "RebalanceProposal",
    "RebalanceSettings",
    "WorkloadSnapshot",
    "apply_moves",
    "load_snapshot",
    "move_preview",
    "preview_in",
    "suggest_rebalance",
]
