"""Skills from role, certifications and the skills list; an expired certification stops its
skill on the day after its expiry."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from caseload.enums import Certification, StaffRole
from caseload.team.skills import CERTIFICATION_SKILLS, Held, skills_on

DAY = date(2026, 12, 8)


def test_a_community_paramedic_without_certifications_on_record_is_a_paramedic() -> None:
    assert "paramedic" in skills_on(DAY, StaffRole.COMMUNITY_PARAMEDIC, (), (), "en")


def test_an_expired_licence_takes_the_role_skill_away_from_the_day_after_expiry() -> None:
    held = [Held(Certification.COMMUNITY_PARAMEDIC.value, DAY)]
    role = StaffRole.COMMUNITY_PARAMEDIC.value
    assert "paramedic" in skills_on(DAY, role, (), held, "en")
    after = date(2026, 12, 9)
    assert "paramedic" not in skills_on(after, role, (), held, "en")
    # ... and the older skills list does not bring it back.
    assert "paramedic" not in skills_on(after, role, ("paramedic",), held, "en")


def test_another_valid_certification_for_the_same_skill_keeps_it() -> None:
    held = [Held("community_paramedic", date(2026, 1, 1)), Held("paramedic", date(2027, 1, 1))]
    assert "paramedic" in skills_on(DAY, "community_paramedic", (), held, "en")


def test_certifications_give_their_skills_and_languages_are_skills() -> None:
    held = [Held("naloxone_trainer", None), Held("registered_nurse", date(2030, 1, 1))]
    skills = skills_on(DAY, StaffRole.NURSE.value, (), held, "en,es")
    assert {"naloxone", "vaccine", "wound_care"} <= skills
    assert "paramedic" not in skills
    assert any("es" in s or "spanish" in s for s in skills - {"naloxone", "vaccine", "wound_care"})


def test_an_emt_has_no_paramedic_skill() -> None:
    assert "paramedic" not in skills_on(DAY, StaffRole.EMT.value, (), [Held("emt")], "en")


@given(
    st.lists(
        st.tuples(st.sampled_from(list(Certification)), st.integers(-30, 30)),
        max_size=6,
        unique_by=lambda t: t[0],
    )
)
def test_every_skill_an_expired_certification_gives_is_gone_unless_another_gives_it(
    certs: list[tuple[Certification, int]],
) -> None:
    held = [Held(c.value, date.fromordinal(DAY.toordinal() + d)) for c, d in certs]
    skills = skills_on(DAY, StaffRole.COMMUNITY_PARAMEDIC.value, ("vaccine",), held, "")
    valid = set().union(*(CERTIFICATION_SKILLS[h.name] for h in held if h.valid_on(DAY)))
    lapsed = set().union(*(CERTIFICATION_SKILLS[h.name] for h in held if not h.valid_on(DAY)))
    assert valid <= skills
    assert not (lapsed - valid) & skills
