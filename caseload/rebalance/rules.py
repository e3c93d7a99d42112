"""Hard rules of caseload assignment: who may carry whom. Pure.

- Language: a client whose language is not English needs a clinician who speaks it (the
  clinician's `languages` field, or the language's skill, e.g. "lang:es": `caseload.languages`).
- Peer support: a client who needs peer support needs a clinician with the peer_support skill
  (peer-support specialists have it by their role).
- Program skills: every skill an active program of the client requires (e.g. naloxone for
  post-overdose follow-up, vaccine for homebound vaccination).
- Role: a peer-support specialist carries only clients whose active programs all allow peer
  support (the program's "peer support may serve" flag; e.g. not chronic disease).

Rebalancing never moves a client to a clinician who breaks a rule; a client whose current
clinician breaks one may stay (no forced move) or be moved to one who does not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from caseload.languages import ENGLISH, canonical_language, skill_for_language

# What a role brings by itself.
ROLE_SKILLS: dict[str, frozenset[str]] = {
    "community_paramedic": frozenset({"paramedic"}),
    "peer_support": frozenset({"peer_support"}),
    "nurse": frozenset(),
}

CASELOAD_ROLES: frozenset[str] = frozenset(ROLE_SKILLS)
PEER_SUPPORT_ROLE = "peer_support"


def split_list(value: str) -> frozenset[str]:
    """A comma-separated field as a set of trimmed, lower-case items."""
    return frozenset(item.strip().lower() for item in value.split(",") if item.strip())


@dataclass(frozen=True, slots=True)
class Needs:
    """What a client needs from whoever carries them."""

    language: str = "english"  # canonical
    peer_support: bool = False
    skills: frozenset[str] = frozenset()
    clinical_programs: tuple[str, ...] = ()  # active programs peer support may not serve


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a clinician brings: canonical languages and skills (role skills included)."""

    languages: frozenset[str] = frozenset({"english"})
    skills: frozenset[str] = frozenset()
    peer_specialist: bool = False  # by role: carries only programs that allow peer support

    @classmethod
    def of(cls, role: str, skills: Iterable[str], languages: Iterable[str]) -> Capabilities:
        skill_set = frozenset(s.strip().lower() for s in skills if s.strip())
        return cls(
            languages=frozenset(canonical_language(x) for x in languages if x.strip())
            | {"english"},
            skills=skill_set | ROLE_SKILLS.get(role, frozenset()),
            peer_specialist=role == PEER_SUPPORT_ROLE,
        )


def unmet(needs: Needs, caps: Capabilities) -> tuple[str, ...]:
    """The rules a clinician with `caps` would break for a client with `needs` (empty: none)."""
    problems: list[str] = []
    language = needs.language
    speaks = language in caps.languages or skill_for_language(language) in caps.skills
    if language != ENGLISH and not speaks:
        problems.append(f"does not speak {language.title()}")
    if needs.peer_support and "peer_support" not in caps.skills:
        problems.append("is not a peer-support specialist")
    if caps.peer_specialist and needs.clinical_programs:
        names = ", ".join(needs.clinical_programs)
        problems.append(f"is a peer-support specialist; peer support may not serve {names}")
    for skill in sorted(needs.skills - caps.skills):
        problems.append(f"lacks the {skill.replace('_', ' ')} skill a program requires")
    return tuple(problems)
