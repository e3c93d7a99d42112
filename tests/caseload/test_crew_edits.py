"""Saving the crew editor's changes: one transaction, stale edits refused, crew rules checked."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseload.actor import local_actor
from caseload.errors import ConflictError, UserError
from caseload.planning.crew_edits import (
    ShiftEdit,
    apply_shift_edits,
    crew_problems,
    edit_of,
    pair_staff,
    set_out_sick,
    unpair_staff,
)
from caseload.planning.crews import crews_on_shift, shifts_on
from caseload.store.database import Database
from tests.desktop.seed import seed_caseload

ACTOR = local_actor()


def test_edits_are_saved_together_and_crews_remade(db: Database) -> None:
    seed = seed_caseload(db)
    loaded = shifts_on(db, seed.day, ACTOR)
    edits = {e.staff_name: e for e in map(edit_of, loaded)}
    edits["Ben Okoro"] = replace(edits["Ben Okoro"], crew_name="Medic 2", out_sick=False)
    edits["Dee Walsh"] = replace(
        edits["Dee Walsh"],
        crew_name="Medic 2",
        starts_at=edits["Dee Walsh"].starts_at - timedelta(hours=2),
    )
    edits["Cleo Park"] = replace(edits["Cleo Park"], crew_name="", out_sick=True)
    changed = apply_shift_edits(db, ACTOR, seed.day, loaded, list(edits.values()))
    assert changed == 3
    crews = {c.name: c.member_names for c in crews_on_shift(db, seed.day, ACTOR)}
    assert crews == {"Medic 1": "Ana Reyes", "Medic 2": "Ben Okoro + Dee Walsh"}
    after = {s.staff_name: s for s in shifts_on(db, seed.day, ACTOR)}
    assert after["Cleo Park"].out_sick and after["Cleo Park"].crew_name == ""
    assert after["Dee Walsh"].starts_at == edits["Dee Walsh"].starts_at


def test_a_stale_shift_rolls_back_every_change(db: Database) -> None:
    seed = seed_caseload(db)
    loaded = shifts_on(db, seed.day, ACTOR)
    edits = [replace(edit_of(s), out_sick=True) for s in loaded]
    ben = next(s for s in loaded if s.staff_name == "Ben Okoro")
    set_out_sick(db, ACTOR, ben.shift_id, ben.version, True)
    with pytest.raises(ConflictError, match="Someone else changed this shift"):
        apply_shift_edits(db, ACTOR, seed.day, loaded, edits)
    after = {s.staff_name: s.out_sick for s in shifts_on(db, seed.day, ACTOR)}
    assert after == {"Ana Reyes": False, "Ben Okoro": True, "Cleo Park": False, "Dee Walsh": False}


def test_invalid_edits_write_nothing(db: Database) -> None:
    seed = seed_caseload(db)
    loaded = shifts_on(db, seed.day, ACTOR)
    edits = [replace(edit_of(s), crew_name="Everyone") for s in loaded]
    with pytest.raises(UserError, match="Crew 'Everyone' has 4 people"):
        apply_shift_edits(db, ACTOR, seed.day, loaded, edits)
    assert [s.crew_name for s in shifts_on(db, seed.day, ACTOR)] == [s.crew_name for s in loaded]


def test_pair_and_unpair_keep_one_crew_per_person(db: Database) -> None:
    seed = seed_caseload(db)
    ana, cleo, ben = (seed.staff[n] for n in ("Ana Reyes", "Cleo Park", "Ben Okoro"))
    pair_staff(db, ACTOR, seed.day, "Medic 1", [ana])  # Cleo leaves Medic 1 by re-pairing
    pair_staff(db, ACTOR, seed.day, "Medic 1", [ana, ben])
    unpair_staff(db, ACTOR, seed.day, [ana])
    crews = {s.staff_name: s.crew_name for s in shifts_on(db, seed.day, ACTOR)}
    assert crews == {"Ana Reyes": "", "Ben Okoro": "Medic 1", "Cleo Park": "", "Dee Walsh": ""}
    del cleo


T0 = datetime(2026, 3, 10, 13, tzinfo=UTC)


@st.composite
def shift_edits(draw: st.DrawFn) -> list[ShiftEdit]:
    count = draw(st.integers(1, 7))
    edits = []
    for i in range(count):
        start_h = draw(st.integers(0, 12))
        length_h = draw(st.integers(-2, 10))
        edits.append(
            ShiftEdit(
                shift_id=i,
                expected_version=1,
                staff_id=i,
                staff_name=f"Staff {i}",
                starts_at=T0 + timedelta(hours=start_h),
                ends_at=T0 + timedelta(hours=start_h + length_h),
                out_sick=draw(st.booleans()),
                crew_name=draw(st.sampled_from(["", "A", "B", " A ", "C"])),
            )
        )
    return edits


@given(shift_edits())
def test_crew_problems_name_every_broken_rule(edits: list[ShiftEdit]) -> None:
    """No problems exactly when every shift ends after it starts, every crew has at most two
    people, and the working members of each pair overlap; each problem names who it is about."""
    problems = crew_problems(edits)
    groups: dict[str, list[ShiftEdit]] = {}
    for e in edits:
        if e.crew_name.strip():
            groups.setdefault(e.crew_name.strip(), []).append(e)
    bad_times = [e for e in edits if e.ends_at <= e.starts_at]
    too_big = [n for n, m in groups.items() if len(m) > 2]
    apart = [
        n
        for n, m in groups.items()
        if len(m) == 2
        and all(not x.out_sick and x.starts_at < x.ends_at for x in m)
        and max(x.starts_at for x in m) >= min(x.ends_at for x in m)
    ]
    assert len(problems) == len(bad_times) + len(too_big) + len(apart)
    for e in bad_times:
        assert any(p.startswith(f"{e.staff_name}'s shift ends") for p in problems)
    for name in too_big + apart:
        assert any(f"Crew '{name}'" in p for p in problems)
