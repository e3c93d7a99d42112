"""The one list of client and staff languages: the codes and spellings seen in files, their
canonical names, and the skill a crew member who speaks a language carries.

Planning (a visit that needs an interpreter needs a crew with the language's skill) and
rebalancing (a client who speaks it needs a clinician who does) both read it here.
"""

from __future__ import annotations

from caseload.enums import Skill

ENGLISH = "english"

# Canonical name -> the codes and spellings that mean it (ISO 639-1 and -2, English and native
# names), all lower case.
LANGUAGES: dict[str, tuple[str, ...]] = {
    "english": ("en", "eng", "english"),
    "spanish": ("es", "spa", "spanish", "español", "espanol", "castellano"),
    "french": ("fr", "fra", "fre", "french", "français", "francais"),
    "arabic": ("ar", "ara", "arabic"),
    "vietnamese": ("vi", "vie", "vietnamese"),
    "chinese": ("zh", "zho", "chi", "chinese"),
    "haitian creole": ("ht", "hat", "haitian creole", "kreyòl"),
    "american sign language": ("asl", "ase", "american sign language"),
}

# The languages a crew member's skill stands for (the skill is named after the language).
LANGUAGE_SKILLS: dict[str, Skill] = {"spanish": Skill.SPANISH}

_ALIASES: dict[str, str] = {
    spelling: name for name, spellings in LANGUAGES.items() for spelling in spellings
}


def canonical_language(value: str) -> str:
    """'es', 'ES', 'Spanish' -> 'spanish'; unknown values lower-cased; '' means English."""
    key = value.strip().lower()
    return _ALIASES.get(key, key) if key else ENGLISH


def skill_for_language(value: str) -> str | None:
    """The skill of a crew member who speaks `value` (any code or spelling), e.g. 'es' ->
    'spanish'; None for English and for languages no skill stands for."""
    skill = LANGUAGE_SKILLS.get(canonical_language(value))
    return None if skill is None else skill.value
