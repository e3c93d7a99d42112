"""The workload model: hours per client and clinician, and the explanations of every number."""

from __future__ import annotations

import dataclasses
import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseload.rebalance.workload import (
    ClientFacts,
    ClinicianFacts,
    ClinicianLoad,
    ProgramLoad,
    RebalanceSettings,
    ShiftFacts,
    TravelKnobs,
    client_hours,
    clinician_loads,
    nearby_km,
    pair_hours,
    shift_hours_by_staff,
    spread,
    worst,
)
from routing.geo import LatLon, distance_m

CHRONIC = ProgramLoad("chronic_disease", "Chronic disease", 14, 45, frozenset())
OVERDOSE = ProgramLoad("overdose_followup", "Post-overdose", 7, 45, frozenset({"naloxone"}))
BASE = LatLon(35.994, -78.899)
KNOBS = TravelKnobs(circuity=1.3, speed_kmh=35.0, leg_overhead_s=120, stops_per_trip=5.0)


def _facts(**overrides: object) -> ClientFacts:
    values: dict[str, object] = {
        "client_id": 1,
        "external_id": "C1",
        "name": "Ana Lopez",
        "version": 1,
        "location": LatLon(36.03, -78.899),
        "programs": (CHRONIC, OVERDOSE),
        "tier": None,
        "nearby_km": 1.0,
        "language": "english",
        "needs_peer_support": False,
        "locked": False,
        "clinician_id": 7,
        "seen_recently_by_current": False,
    }
    values.update(overrides)
    return ClientFacts(**values)  # type: ignore[arg-type]


def _clinician(base: LatLon | None = BASE, hours: float = 40.0) -> ClinicianFacts:
    return ClinicianFacts(
        clinician_id=7,
        name="Lee",
        role="community_paramedic",
        base=base,
        base_name="Station 1",
        skills=frozenset(),
        languages=frozenset({"en"}),
        shift_hours_per_week=hours,
        capacity_source="shifts",
        reserve_fraction=0.15,
    )


def test_program_hours_are_cadence_times_visit_length() -> None:
    assert OVERDOSE.visits_per_week == pytest.approx(1.0)
    assert OVERDOSE.hours_per_week == pytest.approx(0.75)
    assert CHRONIC.hours_per_week == pytest.approx(0.375)
    assert OVERDOSE.explain() == "Post-overdose: 1.00 visits/wk x 45 min = 0.75 h/wk"


def test_client_hours_add_visits_and_travel_and_weigh_by_tier() -> None:
    facts = _facts(tier="MUST")
    hours = client_hours(facts, _clinician(), KNOBS, RebalanceSettings())
    km = distance_m(facts.location, BASE) / 1000  # type: ignore[arg-type]
    assert km == pytest.approx(4.0, abs=0.05)
    per_visit = (2 * km / 5 + 1.0) * 1.3 / 35 + 120 / 3600
    assert hours.visit_hours == pytest.approx(1.125)
    assert hours.travel_hours == pytest.approx(1.5 * per_visit)
    assert hours.weight == 1.5
    assert hours.total_hours == pytest.approx(1.5 * (1.125 + 1.5 * per_visit))


def test_explanation_shows_each_part() -> None:
    facts = _facts(tier="HIGH")
    hours = client_hours(facts, _clinician(), KNOBS, RebalanceSettings())
    text = hours.explain(facts, KNOBS)
    assert "Chronic disease: 0.50 visits/wk x 45 min = 0.38 h/wk" in text
    assert "1.50 visits/wk x (2 x 4.0 km to base / 5 stops + 1.0 km to nearby clients)" in text
    assert "x 1.3 / 35 km/h" in text
    assert f"acuity (HIGH) x 1.25: total {hours.total_hours:.2f} h/wk" in text


def test_unknown_location_means_no_travel_and_says_so() -> None:
    facts = _facts(location=None)
    hours = client_hours(facts, _clinician(), KNOBS, RebalanceSettings())
    assert hours.travel_hours == 0.0
    assert hours.base_km is None
    assert "no known location" in hours.explain(facts, KNOBS)


def test_unranked_clients_get_the_neutral_weight() -> None:
    settings = RebalanceSettings(weight_unranked=0.9)
    assert client_hours(_facts(), _clinician(), KNOBS, settings).weight == 0.9
    assert settings.tier_weight("ROUTINE") == 1.0


def test_capacity_is_shift_hours_less_reserve() -> None:
    clinician = _clinician(hours=40.0)
    assert clinician.capacity_hours == pytest.approx(34.0)
    assert clinician.explain_capacity() == (
        "Lee: 40.0 h/wk on scheduled shifts less 15% reserve = 34.0 h/wk"
    )


def test_clinician_loads_sum_the_assigned_clients() -> None:
    clinician = _clinician(hours=10.0)
    loads = clinician_loads([clinician], {1: 7, 2: 7, 3: None}, {(1, 7): 2.0, (2, 7): 3.5})
    assert loads == [ClinicianLoad(7, "Lee", 8.5, 5.5, 2)]
    assert loads[0].utilisation == pytest.approx(5.5 / 8.5)
    assert "2 clients, 5.5 h/wk on 8.5 h/wk capacity (65%)" in loads[0].explain()


def test_spread_and_worst_ignore_clinicians_without_capacity() -> None:
    loads = [
        ClinicianLoad(1, "A", 10.0, 12.0, 3),
        ClinicianLoad(2, "B", 10.0, 5.0, 2),
        ClinicianLoad(3, "C", 0.0, 0.0, 0),
    ]
    assert spread(loads) == pytest.approx(70.0)
    assert worst(loads) == pytest.approx(120.0)
    assert math.isinf(loads[2].utilisation)


points = st.builds(LatLon, st.floats(35.8, 36.2), st.floats(-79.1, -78.7))


@given(st.lists(st.one_of(st.none(), points), max_size=30), st.integers(1, 4))
def test_nearby_km_is_the_mean_distance_to_the_k_nearest(
    locations: list[LatLon | None], k: int
) -> None:
    result = nearby_km(locations, k)
    known = [loc for loc in locations if loc is not None]
    for loc, value in zip(locations, result, strict=True):
        if loc is None or len(known) < 2:
            assert value is None
            continue
        others = sorted(
            distance_m(loc, o) / 1000
            for j, o in enumerate(locations)
            if o is not None and o is not loc
        )
        assert value == pytest.approx(sum(others[:k]) / len(others[:k]), rel=1e-9, abs=1e-9)


@given(
    st.lists(
        st.tuples(st.one_of(st.none(), points), st.sampled_from([None, "MUST", "HIGH"])),
        min_size=1,
        max_size=8,
    ),
    st.lists(st.one_of(st.none(), points), min_size=1, max_size=3),
)
def test_pair_hours_agree_with_the_explained_formula(
    clients: list[tuple[LatLon | None, str | None]], bases: list[LatLon | None]
) -> None:
    """The fast all-pairs computation gives the same numbers the explanations show."""
    facts = [
        _facts(client_id=i, location=loc, tier=tier, nearby_km=0.5 * i)
        for i, (loc, tier) in enumerate(clients)
    ]
    clinicians = [
        dataclasses.replace(_clinician(base), clinician_id=100 + j) for j, base in enumerate(bases)
    ]
    settings = RebalanceSettings()
    hours, km = pair_hours(facts, clinicians, KNOBS, settings)
    for f in facts:
        for k in clinicians:
            one = client_hours(f, k, KNOBS, settings)
            assert hours[f.client_id, k.clinician_id] == pytest.approx(one.total_hours)
            if one.base_km is None:
                assert km[f.client_id, k.clinician_id] is None
            else:
                assert km[f.client_id, k.clinician_id] == pytest.approx(one.base_km)


def test_two_people_riding_together_share_one_crew_s_hours() -> None:
    monday, tuesday = date(2026, 3, 9), date(2026, 3, 10)
    shifts = [
        ShiftFacts(1, monday, 8.0, crew_id=10),  # paramedic + peer specialist in one crew
        ShiftFacts(2, monday, 8.0, crew_id=10),
        ShiftFacts(1, tuesday, 8.0, crew_id=None),  # alone the next day
        ShiftFacts(3, monday, 8.0, crew_id=11),  # a crew of one
    ]
    hours = shift_hours_by_staff(shifts)
    assert hours == {1: 4.0 + 8.0, 2: 4.0, 3: 8.0}
    # Monday's two crews give 16 h of visiting, not 24.
    assert sum(s.hours / 2 for s in shifts[:2]) + shifts[3].hours == 16.0
