"""What the Caseload balance page says about a suggestion, in a supervisor's words."""

from __future__ import annotations

from caseload.rebalance import RebalanceProposal


def _range(worst: float, spread: float) -> str:
    return f"{worst - spread:.0f}% to {worst:.0f}%"


def proposal_summary(proposal: RebalanceProposal) -> str:
    """ "12 moves suggested. Workloads would run from 62% to 74% of capacity (now 40% to
    96%): the busiest clinician goes from 96% to 74%. Best balance within 20 moves." """
    moves = len(proposal.moves)
    after = _range(proposal.worst_after, proposal.spread_after)
    before = _range(proposal.worst_before, proposal.spread_before)
    if moves == 0:
        return f"No move would even out the workloads: they run from {before} of capacity."
    text = (
        f"{moves} move{'s' if moves != 1 else ''} suggested. Workloads would run from {after} "
        f"of capacity (now {before}): the busiest clinician goes from "
        f"{proposal.worst_before:.0f}% to {proposal.worst_after:.0f}%."
    )
    if proposal.status == "OPTIMAL":
        return f"{text} This is the best balance possible within {proposal.max_moves} moves."
    if proposal.status == "CANCELLED":
        return f"{text} You cancelled the search: this is the best found so far."
    found = f"The best found in {proposal.wall_time_s:.0f} s; a longer time limit may do better."
    return f"{text} {found}"
