"""What a staff member can do on a day: skills from their role, their certifications and the
(older) free skills list, minus what an expired certification no longer covers.

- A certification gives its skills from issue to its expiry date (inclusive).
- A role brings the skill it is hired for (a community paramedic: `paramedic`; a peer-support
  specialist: `peer_support`), and the stored skills list adds more (the demo team uses it).
- Once a certification that gives a skill is on record, that certification decides: if every
  such certification has expired on the day, the skill is gone that day, whatever the role or
  the skills list say. An expired licence must never keep someone on a visit that needs it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from caseload.enums import Certification, Skill, StaffRole
from caseload.languages import language_skills

CERTIFICATION_SKILLS: Mapping[str, frozenset[str]] = {
    Certification.COMMUNITY_PARAMEDIC: frozenset({Skill.PARAMEDIC.value, Skill.CLINICIAN.value}),
    Certification.PARAMEDIC: frozenset({Skill.PARAMEDIC.value, Skill.CLINICIAN.value}),
    Certification.EMT: frozenset(),
    Certification.REGISTERED_NURSE: frozenset(
        {Skill.VACCINE.value, Skill.WOUND_CARE.value, Skill.CLINICIAN.value}
    ),
    Certification.PEER_SUPPORT: frozenset({Skill.PEER_SUPPORT.value}),
    Certification.NALOXONE_TRAINER: frozenset({Skill.NALOXONE.value}),
    Certification.IMMUNIZER: frozenset({Skill.VACCINE.value}),
    Certification.WOUND_CARE: frozenset({Skill.WOUND_CARE.value}),
    Certification.CPR: frozenset(),
}

# A clinician (paramedic or nurse) may carry a clinical program's visit; peer support may not.
ROLE_SKILLS: Mapping[str, frozenset[str]] = {
    StaffRole.COMMUNITY_PARAMEDIC: frozenset({Skill.PARAMEDIC.value, Skill.CLINICIAN.value}),
    StaffRole.NURSE: frozenset({Skill.CLINICIAN.value}),
    StaffRole.PEER_SUPPORT: frozenset({Skill.PEER_SUPPORT.value}),
}

# Plain-language names for screens and messages.
CERTIFICATION_LABELS: Mapping[str, str] = {
    Certification.COMMUNITY_PARAMEDIC: "Community Paramedic",
    Certification.PARAMEDIC: "Paramedic licence",
    Certification.EMT: "EMT",
    Certification.REGISTERED_NURSE: "Registered nurse",
    Certification.PEER_SUPPORT: "Certified peer support specialist",
    Certification.NALOXONE_TRAINER: "Naloxone trainer",
    Certification.IMMUNIZER: "Immunizer",
    Certification.WOUND_CARE: "Wound care",
    Certification.CPR: "CPR / BLS",
}
ROLE_LABELS: Mapping[str, str] = {
    StaffRole.COMMUNITY_PARAMEDIC: "Community paramedic",
    StaffRole.EMT: "EMT",
    StaffRole.PEER_SUPPORT: "Peer-support specialist",
    StaffRole.NURSE: "Nurse",
    StaffRole.PROGRAM_MANAGER: "Program manager",
    StaffRole.SUPERVISOR: "Supervisor",
}


@dataclass(frozen=True, slots=True)
class Held:
    """A certification held: its `Certification` value and last valid day (None: no expiry)."""

    name: str
    expires_on: date | None = None

    def valid_on(self, on: date) -> bool:
        return self.expires_on is None or on <= self.expires_on


def skills_on(
    on: date,
    role: str,
    listed_skills: Iterable[str],
    certifications: Iterable[Held],
    languages: str,
) -> frozenset[str]:
    """The staff member's skills on `on` (see the module's docstring), languages included."""
    held = list(certifications)
    certified: set[str] = set()
    on_record: set[str] = set()
    for cert in held:
        gives = CERTIFICATION_SKILLS.get(cert.name, frozenset())
        on_record |= gives
        if cert.valid_on(on):
            certified |= gives
    claimed = set(listed_skills) | ROLE_SKILLS.get(role, frozenset())
    lapsed = on_record - certified
    return frozenset((claimed - lapsed) | certified) | language_skills(languages)


def expired_on(on: date, certifications: Iterable[Held]) -> list[Held]:
    """Certifications no longer valid on `on`."""
    return [c for c in certifications if not c.valid_on(on)]
