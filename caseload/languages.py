"""The one list of client and staff languages: the codes and spellings seen in files, their
canonical names, and the skill a crew member who speaks a language carries.

Planning (a visit that needs an interpreter needs a crew with the language's skill, which a
crew has when one of its members lists the language) and rebalancing (a client who speaks it
needs a clinician who does) both read it here. Adding a language is adding a line below.
"""

from __future__ import annotations

from dataclasses import dataclass

ENGLISH = "english"
SKILL_PREFIX = "lang:"


@dataclass(frozen=True, slots=True)
class Language:
    code: str  # the code its skill is named after: "es" -> skill "lang:es"
    name: str  # canonical name, lower case
    speaker: str  # how a reason names someone who has it: "a Spanish speaker"
    spellings: tuple[str, ...]  # ISO 639-1/-2 codes, English and native names, lower case


LANGUAGE_LIST: tuple[Language, ...] = (
    Language("en", "english", "an English speaker", ("en", "eng", "english")),
    Language(
        "es",
        "spanish",
        "a Spanish speaker",
        ("es", "spa", "spanish", "español", "espanol", "castellano"),
    ),
    Language(
        "fr", "french", "a French speaker", ("fr", "fra", "fre", "french", "français", "francais")
    ),
    Language("ar", "arabic", "an Arabic speaker", ("ar", "ara", "arabic", "العربية")),
    Language(
        "vi",
        "vietnamese",
        "a Vietnamese speaker",
        ("vi", "vie", "vietnamese", "tiếng việt", "tieng viet"),
    ),
    Language(
        "zh",
        "chinese",
        "a Chinese speaker",
        ("zh", "zho", "chi", "chinese", "中文", "mandarin", "cantonese"),
    ),
    Language(
        "ht",
        "haitian creole",
        "a Haitian Creole speaker",
        ("ht", "hat", "haitian creole", "kreyòl", "kreyol", "kreyòl ayisyen", "creole"),
    ),
    Language(
        "asl",
        "american sign language",
        "someone who signs ASL",
        ("asl", "ase", "american sign language", "sign language"),
    ),
    Language("pt", "portuguese", "a Portuguese speaker", ("pt", "por", "portuguese", "português")),
    Language("ru", "russian", "a Russian speaker", ("ru", "rus", "russian", "русский")),
    Language("ko", "korean", "a Korean speaker", ("ko", "kor", "korean", "한국어")),
    Language("tl", "tagalog", "a Tagalog speaker", ("tl", "tgl", "tagalog", "filipino")),
)

# Canonical name -> the codes and spellings that mean it, all lower case.
LANGUAGES: dict[str, tuple[str, ...]] = {lang.name: lang.spellings for lang in LANGUAGE_LIST}

_ALIASES: dict[str, Language] = {
    spelling: lang for lang in LANGUAGE_LIST for spelling in lang.spellings
}
_BY_SKILL: dict[str, Language] = {SKILL_PREFIX + lang.code: lang for lang in LANGUAGE_LIST}


def canonical_language(value: str) -> str:
    """'es', 'ES', 'Spanish' -> 'spanish'; unknown values lower-cased; '' means English."""
    key = value.strip().lower()
    if not key:
        return ENGLISH
    lang = _ALIASES.get(key)
    return key if lang is None else lang.name


def skill_for_language(value: str) -> str | None:
    """The skill of a crew member who speaks `value` (any code or spelling), e.g. 'espanol' ->
    'lang:es'; None for English. A language not in the list still gets a skill (named after
    its spelling), so an interpreter need is never silently dropped."""
    key = value.strip().lower()
    if not key:
        return None
    lang = _ALIASES.get(key)
    if lang is None:
        return SKILL_PREFIX + key
    return None if lang.name == ENGLISH else SKILL_PREFIX + lang.code


def language_skills(languages: str) -> frozenset[str]:
    """The language skills of a staff member whose `languages` field is 'en,es' (any
    spellings, comma-separated)."""
    return frozenset(
        skill for part in languages.split(",") if (skill := skill_for_language(part)) is not None
    )


def speaker_of(skill: str) -> str | None:
    """How a reason names the holder of a language skill: 'lang:es' -> 'a Spanish speaker';
    None for a skill that is not a language."""
    if not skill.startswith(SKILL_PREFIX):
        return None
    lang = _BY_SKILL.get(skill)
    return lang.speaker if lang is not None else f"a speaker of {skill[len(SKILL_PREFIX) :]}"
