"""The CP-SAT rebalancing model: optimal on tiny instances (against brute force), hard rules
never broken (property tests), cancel and progress, and the rules themselves."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseload.languages import canonical_language
from caseload.rebalance.problem import (
    ObjectiveWeights,
    RebalanceProblem,
    SolverClient,
    SolverClinician,
    candidates,
    current_indices,
    evaluate,
)
from caseload.rebalance.rules import Capabilities, Needs, unmet
from caseload.rebalance.solver import solve_rebalance
from caseload.rebalance.warmstart import greedy_assignment

PLAIN = Capabilities.of("community_paramedic", ["naloxone"], ["en"])
NO_NEEDS = Needs()


def _clinician(k: int, capacity: float, caps: Capabilities = PLAIN) -> SolverClinician:
    return SolverClinician(clinician_id=100 + k, capacity_hours=capacity, capabilities=caps)


def _client(
    c: int,
    current: int | None,
    hours: Sequence[float],
    km: Sequence[float | None],
    *,
    needs: Needs = NO_NEEDS,
    locked: bool = False,
    recent: bool = False,
) -> SolverClient:
    return SolverClient(
        client_id=c,
        current=None if current is None else 100 + current,
        locked=locked,
        needs=needs,
        recent_contact=recent,
        hours=tuple(hours),
        distance_km=tuple(km),
    )


def _feasible(problem: RebalanceProblem, assignment: Sequence[int | None]) -> bool:
    """The hard rules, written independently of the model."""
    moves = 0
    for client, k in zip(problem.clients, assignment, strict=True):
        new = None if k is None else problem.clinicians[k].clinician_id
        if client.current is not None and new is None:
            return False
        if new == client.current:
            continue
        moves += 1
        if client.locked and client.current is not None:
            return False
        if unmet(client.needs, problem.clinicians[k].capabilities):  # type: ignore[index]
            return False
    return moves <= problem.max_moves


def _brute_force(problem: RebalanceProblem) -> int:
    choices: list[list[int | None]] = []
    for client in problem.clients:
        options: list[int | None] = list(range(len(problem.clinicians)))
        if client.current is None:
            options.append(None)
        choices.append(options)
    return min(
        evaluate(problem, list(a)) for a in itertools.product(*choices) if _feasible(problem, a)
    )


def _index_assignment(problem: RebalanceProblem, ids: Sequence[int | None]) -> list[int | None]:
    positions = {c.clinician_id: i for i, c in enumerate(problem.clinicians)}
    return [None if i is None else positions[i] for i in ids]


SPANISH = Capabilities.of("community_paramedic", ["naloxone", "lang:es"], ["en"])
PEER = Capabilities.of("peer_support", ["naloxone"], ["en"])
NO_NALOXONE = Capabilities.of("nurse", [], ["en", "es"])


@st.composite
def instances(draw: st.DrawFn, max_clients: int = 6, max_clinicians: int = 3) -> RebalanceProblem:
    n_k = draw(st.integers(1, max_clinicians))
    caps_pool = [PLAIN, SPANISH, PEER, NO_NALOXONE]
    clinicians = tuple(
        _clinician(k, draw(st.sampled_from([0.0, 2.0, 4.0, 8.0])), draw(st.sampled_from(caps_pool)))
        for k in range(n_k)
    )
    needs_pool = [
        Needs(),
        Needs(language="spanish"),
        Needs(peer_support=True),
        Needs(skills=frozenset({"naloxone"})),
        Needs(clinical_programs=("Chronic disease",)),
    ]
    clients = []
    for c in range(draw(st.integers(0, max_clients))):
        current = draw(st.one_of(st.none(), st.integers(0, n_k - 1)))
        hours = [draw(st.sampled_from([0.5, 1.0, 1.5, 3.0])) for _ in range(n_k)]
        km = [draw(st.one_of(st.none(), st.floats(0, 30))) for _ in range(n_k)]
        clients.append(
            _client(
                c,
                current,
                hours,
                km,
                needs=draw(st.sampled_from(needs_pool)),
                locked=draw(st.booleans()),
                recent=draw(st.booleans()),
            )
        )
    return RebalanceProblem(
        clinicians=clinicians,
        clients=tuple(clients),
        max_moves=draw(st.integers(0, 4)),
        weights=ObjectiveWeights(unassigned_penalty=draw(st.sampled_from([0, 500, 10_000]))),
        candidates_per_client=max_clinicians,
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_solver_is_optimal_against_brute_force(problem: RebalanceProblem) -> None:
    """On tiny instances the solver's assignment is feasible and as good as any assignment."""
    # Tiny instances are proven optimal in milliseconds; the generous limit only guards a
    # machine too busy to say so (the search stops at the proof, not at the limit).
    solution = solve_rebalance(problem, time_limit_s=120.0, num_workers=1)
    assert solution.status == "OPTIMAL"
    chosen = _index_assignment(problem, solution.assignment)
    assert _feasible(problem, chosen)
    assert evaluate(problem, chosen) == solution.objective
    assert solution.objective == _brute_force(problem)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_clients=12, max_clinicians=4))
def test_hard_rules_never_broken(problem: RebalanceProblem) -> None:
    """At most max_moves, locked clients stay, and no move breaks a language, peer-support or
    skill rule, whatever the instance; a client that breaks a rule now may stay put."""
    solution = solve_rebalance(problem, time_limit_s=2.0, num_workers=2)
    assert len(solution.moves) <= problem.max_moves
    by_id = {c.clinician_id: c for c in problem.clinicians}
    clients = {c.client_id: c for c in problem.clients}
    for move in solution.moves:
        client = clients[move.client_id]
        assert not (client.locked and client.current is not None)
        assert unmet(client.needs, by_id[move.to_id].capabilities) == ()
    for client, new in zip(problem.clients, solution.assignment, strict=True):
        if client.current is not None:
            assert new is not None  # nobody loses their clinician


@settings(max_examples=60, deadline=None)
@given(instances(max_clients=12, max_clinicians=4))
def test_greedy_start_is_feasible_and_never_worse(problem: RebalanceProblem) -> None:
    start = greedy_assignment(problem)
    assert _feasible(problem, start)
    assert evaluate(problem, start) <= evaluate(problem, current_indices(problem))


def test_overloaded_clinician_hands_clients_to_the_idle_one() -> None:
    problem = RebalanceProblem(
        clinicians=(_clinician(0, 4.0), _clinician(1, 4.0)),
        clients=tuple(_client(c, 0, [1.0, 1.0], [1.0, 1.0]) for c in range(6)),
        max_moves=5,
    )
    solution = solve_rebalance(problem, time_limit_s=5.0)
    assert solution.status == "OPTIMAL"
    assert len(solution.moves) == 3
    assert {m.to_id for m in solution.moves} == {101}


def test_max_moves_zero_changes_nothing() -> None:
    problem = RebalanceProblem(
        clinicians=(_clinician(0, 4.0), _clinician(1, 4.0)),
        clients=tuple(_client(c, 0, [1.0, 1.0], [1.0, 1.0]) for c in range(6)),
        max_moves=0,
    )
    solution = solve_rebalance(problem, time_limit_s=5.0)
    assert solution.moves == ()
    assert solution.assignment == (100,) * 6


def test_recent_contact_makes_a_move_dearer() -> None:
    """With one move allowed and two equal clients, the one not seen recently moves."""
    problem = RebalanceProblem(
        clinicians=(_clinician(0, 2.0), _clinician(1, 2.0)),
        clients=(
            _client(1, 0, [1.0, 1.0], [1.0, 1.0], recent=True),
            _client(2, 0, [1.0, 1.0], [1.0, 1.0], recent=False),
        ),
        max_moves=1,
    )
    solution = solve_rebalance(problem, time_limit_s=5.0)
    assert [m.client_id for m in solution.moves] == [2]


def test_unassigned_client_gets_a_clinician_who_speaks_the_language() -> None:
    problem = RebalanceProblem(
        clinicians=(_clinician(0, 8.0), _clinician(1, 8.0, SPANISH)),
        clients=(_client(1, None, [1.0, 1.0], [1.0, 9.0], needs=Needs(language="spanish")),),
        max_moves=1,
    )
    solution = solve_rebalance(problem, time_limit_s=5.0)
    assert solution.assignment == (101,)


def test_candidates_keep_current_even_when_it_breaks_a_rule() -> None:
    problem = RebalanceProblem(
        clinicians=(_clinician(0, 8.0), _clinician(1, 8.0, SPANISH), _clinician(2, 8.0)),
        clients=(_client(1, 0, [1, 1, 1], [5.0, 1.0, 2.0], needs=Needs(language="spanish")),),
        max_moves=1,
        candidates_per_client=1,
    )
    assert candidates(problem, 0) == [0, 1]


def test_cancel_returns_a_feasible_answer_marked_cancelled() -> None:
    problem = RebalanceProblem(
        clinicians=tuple(_clinician(k, 10.0 + k) for k in range(6)),
        clients=tuple(
            _client(c, c % 2, [1.0 + (c * k) % 3 for k in range(6)], [float(k) for k in range(6)])
            for c in range(300)
        ),
        max_moves=40,
    )
    cancel = threading.Event()
    cancel.set()
    solution = solve_rebalance(problem, time_limit_s=30.0, cancel=cancel)
    assert solution.status == "CANCELLED"
    assert solution.wall_time_s < 30.0
    assert len(solution.moves) <= 40


def test_progress_reports_and_ends_complete() -> None:
    problem = RebalanceProblem(
        clinicians=(_clinician(0, 4.0), _clinician(1, 4.0)),
        clients=tuple(_client(c, 0, [1.0, 1.0], [1.0, 1.0]) for c in range(4)),
        max_moves=2,
    )
    calls: list[tuple[int, int, str]] = []
    solve_rebalance(problem, time_limit_s=5.0, progress=lambda d, t, m: calls.append((d, t, m)))
    assert calls[-1][0] == calls[-1][1]
    assert "OPTIMAL" in calls[-1][2]


def test_problem_rejects_misaligned_hours() -> None:
    with pytest.raises(ValueError, match="entries"):
        RebalanceProblem(
            clinicians=(_clinician(0, 4.0),),
            clients=(_client(1, 0, [1.0, 2.0], [1.0]),),
            max_moves=1,
        )


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("es", "spanish"),
        ("ES ", "spanish"),
        ("Spanish", "spanish"),
        ("", "english"),
        ("en", "english"),
        ("tagalog", "tagalog"),
    ],
)
def test_canonical_language(raw: str, canonical: str) -> None:
    assert canonical_language(raw) == canonical


def test_unmet_names_each_broken_rule() -> None:
    needs = Needs(language="spanish", peer_support=True, skills=frozenset({"vaccine"}))
    assert unmet(needs, PLAIN) == (
        "does not speak Spanish",
        "is not a peer-support specialist",
        "lacks the vaccine skill a program requires",
    )
    caps = Capabilities.of("peer_support", ["vaccine"], ["en", "es"])
    assert unmet(needs, caps) == ()


def test_a_peer_specialist_takes_only_programs_that_allow_peer_support() -> None:
    chronic = Needs(clinical_programs=("Chronic disease",))
    assert unmet(chronic, PEER) == (
        "is a peer-support specialist; peer support may not serve Chronic disease",
    )
    assert unmet(chronic, PLAIN) == ()  # a paramedic may carry it
    assert unmet(Needs(peer_support=True), PEER) == ()  # programs that allow it: fine
