"""The day's suggested visits are ones the crews on shift can do: time is counted per crew able
to do each visit, not pooled across crews that lack the visit's skills."""

from __future__ import annotations

from caseload.enums import Tier
from caseload.planning.candidates import TRAVEL_ALLOWANCE_MIN, preselect
from tests.caseload.plan_data import crew, spread

SPANISH = frozenset({"lang:es"})
PER_VISIT = 45 + TRAVEL_ALLOWANCE_MIN  # minutes a suggested visit takes from a crew's day


def test_visits_needing_one_crew_do_not_take_another_crews_time() -> None:
    """Medic 1 speaks Spanish (4 h: room for 4 visits), Medic 2 does not (4 h). Ranked first
    are eight HIGH clients needing Spanish, then four who do not: four Spanish visits fit on
    Medic 1 and the four others on Medic 2; pooling the time would suggest eight Spanish visits
    and leave Medic 2 idle."""
    crews = [crew("Medic 1", 8, 12, SPANISH), crew("Medic 2", 8, 12, staff_id=2)]
    spanish = [spread(n, tier=Tier.HIGH, skills=SPANISH) for n in range(1, 9)]
    others = [spread(n, tier=Tier.HIGH) for n in range(9, 13)]
    chosen = preselect([*spanish, *others], crews)
    assert 4 * 60 // PER_VISIT == 4
    assert chosen == {c.key for c in spanish[:4]} | {c.key for c in others}


def test_every_must_is_suggested_even_past_every_crews_time() -> None:
    crews = [crew("Medic 1", 8, 9)]
    musts = [spread(n) for n in range(1, 6)]
    high = spread(6, tier=Tier.HIGH)
    assert preselect([*musts, high], crews) == {c.key for c in musts}
