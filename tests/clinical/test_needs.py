"""Scenarios: a client's needs are hard requirements of the plan, and consent decides whether
and why a client is visited (issue 11). Each day is built in code; each plan passes the
independent validator (`needs_day.plan`)."""

from __future__ import annotations

from caseload.actor import local_actor
from caseload.enums import ConsentState, ProgramCode, StaffRole
from caseload.planning.edit import Draft, remove_stop, retime
from caseload.planning.sheets import build_crew_sheets
from caseload.planning.versions import load_plan, save_plan
from caseload.store.database import Database
from tests.clinical.needs_day import Day, Needs, Person, crew_of, plan, reason_for, write_day

MEDIC = Person("Paula Medic")
PEER = Person("Sam Peer", StaffRole.PEER_SUPPORT)


def test_peer_support_client_goes_to_the_only_crew_with_a_peer_specialist(db: Database) -> None:
    """Two crews, only one with a peer specialist: the peer-support client is on that crew."""
    day = Day(
        crews={"Medic 1": (Person("Mo Medic"),), "Peer 2": (MEDIC, PEER)},
        clients=(Needs(), Needs(peer_support=True), Needs(), Needs()),
    )
    keys = write_day(db, day)
    result = plan(db, keys)
    assert crew_of(result, keys[1]) == "Peer 2"
    assert result.unassigned == ()


def test_clinical_program_client_never_goes_to_a_peer_specialist_alone(db: Database) -> None:
    """A peer-support specialist riding alone may carry the social programs (familiar faces)
    but not a clinical one (chronic disease): that client goes to the paramedic, and with no
    clinician on shift it is not planned, with the reason."""
    day = Day(
        crews={"Peer 1": (PEER,), "Medic 2": (MEDIC,)},
        clients=(
            Needs(programs=(ProgramCode.CHRONIC_DISEASE,)),
            Needs(programs=(ProgramCode.HIGH_UTILIZER,)),
            Needs(programs=(ProgramCode.HIGH_UTILIZER, ProgramCode.FALL_PREVENTION)),
        ),
    )
    keys = write_day(db, day)
    result = plan(db, keys)
    assert crew_of(result, keys[0]) == "Medic 2"
    assert crew_of(result, keys[2]) == "Medic 2"
    assert crew_of(result, keys[1]) is not None


def test_clinical_program_client_with_only_peer_specialists_on_shift_is_unplanned(
    db: Database,
) -> None:
    day = Day(
        crews={"Peer 1": (PEER,)},
        clients=(
            Needs(programs=(ProgramCode.CHRONIC_DISEASE,)),
            Needs(programs=(ProgramCode.HIGH_UTILIZER,)),
        ),
    )
    keys = write_day(db, day)
    result = plan(db, keys)
    assert crew_of(result, keys[0]) is None
    assert reason_for(result, keys[0]) == (
        "No crew on shift has a clinician (paramedic or nurse), which this visit needs."
    )
    assert crew_of(result, keys[1]) == "Peer 1"


def test_peer_support_client_without_a_peer_specialist_on_shift_is_unplanned(
    db: Database,
) -> None:
    day = Day(
        crews={"Medic 1": (Person("Mo Medic"),), "Medic 2": (MEDIC,)},
        clients=(Needs(), Needs(peer_support=True)),
    )
    keys = write_day(db, day)
    result = plan(db, keys)
    assert crew_of(result, keys[1]) is None
    assert reason_for(result, keys[1]) == (
        "No crew on shift has a peer-support specialist, which this visit needs."
    )
    assert crew_of(result, keys[0]) is not None


def test_two_person_safety_flag_with_solo_crews_only_is_unplanned(db: Database) -> None:
    day = Day(
        crews={"Medic 1": (Person("Mo Medic"),), "Medic 2": (MEDIC,)},
        clients=(Needs(two_person=True, safety_notes="History of aggression"), Needs()),
    )
    keys = write_day(db, day)
    result = plan(db, keys)
    assert crew_of(result, keys[0]) is None
    assert reason_for(result, keys[0]) == (
        "No crew on shift has two or more people, which this visit needs."
    )
    assert crew_of(result, keys[1]) is not None


def test_two_person_safety_flag_goes_to_the_crew_of_two(db: Database) -> None:
    day = Day(
        crews={"Medic 1": (Person("Mo Medic"),), "Pair 2": (MEDIC, Person("Al Medic"))},
        clients=(Needs(), Needs(two_person=True), Needs()),
    )
    keys = write_day(db, day)
    result = plan(db, keys)
    assert crew_of(result, keys[1]) == "Pair 2"
    assert result.unassigned == ()


def test_declined_consent_is_never_routed_and_says_why(db: Database) -> None:
    """Declined: not sent to routing, listed as not planned with the reason, and it stays so
    through a manual edit and a saved version."""
    day = Day(
        crews={"Medic 1": (MEDIC,)},
        clients=(Needs(), Needs(consent=ConsentState.DECLINED), Needs()),
    )
    keys = write_day(db, day)
    result = plan(db, keys)
    assert crew_of(result, keys[1]) is None
    assert reason_for(result, keys[1]) == "Declined consent on record"
    assert result.basis is not None
    assert keys[1] not in result.basis.built.ids.job_ids  # never sent to routing
    assert {crew_of(result, keys[0]), crew_of(result, keys[2])} == {"Medic 1"}

    edited, _ = retime(result, remove_stop(Draft.of(result), keys[0]))
    assert reason_for(edited, keys[1]) == "Declined consent on record"
    saved = save_plan(db, local_actor(), result, based_on_version=None)
    reopened = load_plan(db, saved.plan_id or 0, local_actor())
    assert reason_for(reopened, keys[1]) == "Declined consent on record"


def test_no_consent_on_record_is_planned_only_to_obtain_consent(db: Database) -> None:
    day = Day(
        crews={"Medic 1": (MEDIC,)},
        clients=(Needs(consent=ConsentState.NOT_RECORDED), Needs()),
    )
    keys = write_day(db, day)
    result = plan(db, keys)
    stops = {s.key: s for r in result.routes for s in r.stops}
    assert stops[keys[0]].purpose.startswith("Obtain consent — ")
    assert not stops[keys[1]].purpose.startswith("Obtain consent")
    saved = save_plan(db, local_actor(), result, based_on_version=None)
    [sheet] = build_crew_sheets(db, saved.plan_id or 0, local_actor())
    purposes = {s.client_id: s.visit_purpose for s in sheet.stops}
    assert purposes[stops[keys[0]].client_id].startswith("Obtain consent — ")


def test_spanish_client_needing_an_interpreter_without_a_spanish_speaker_is_unplanned(
    db: Database,
) -> None:
    day = Day(
        crews={
            "Medic 1": (MEDIC,),
            "Pair 2": (Person("Mo Medic"), Person("Fr Medic", languages="en,fr")),
        },
        clients=(Needs(language="es", interpreter=True), Needs(language="es")),
    )
    keys = write_day(db, day)
    result = plan(db, keys)
    assert crew_of(result, keys[0]) is None
    assert reason_for(result, keys[0]) == (
        "No crew on shift has a Spanish speaker, which this visit needs."
    )
    assert crew_of(result, keys[1]) is not None  # Spanish-speaking, but no interpreter needed


def test_spanish_client_needing_an_interpreter_goes_to_the_crew_with_a_spanish_speaker(
    db: Database,
) -> None:
    day = Day(
        crews={
            "Medic 1": (MEDIC,),
            "Bilingual 2": (Person("Luz Medic", languages="en,Español"),),
        },
        clients=(Needs(), Needs(language="Spanish", interpreter=True), Needs()),
    )
    keys = write_day(db, day)
    result = plan(db, keys)
    assert crew_of(result, keys[1]) == "Bilingual 2"
    assert result.unassigned == ()


def test_a_day_of_only_declined_clients_plans_nothing_and_lists_them(db: Database) -> None:
    day = Day(crews={"Medic 1": (MEDIC,)}, clients=(Needs(consent=ConsentState.DECLINED),))
    keys = write_day(db, day)
    result = plan(db, keys)
    assert result.served_count == 0
    assert [(u.candidate.key, u.reason) for u in result.unassigned] == [
        (keys[0], "Declined consent on record")
    ]
