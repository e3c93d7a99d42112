"""caseload.languages: one list of languages for planning and rebalancing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseload.languages import (
    LANGUAGE_LIST,
    LANGUAGES,
    canonical_language,
    language_skills,
    skill_for_language,
    speaker_of,
)
from caseload.rebalance.rules import Capabilities, Needs, unmet


@pytest.mark.parametrize("spelling", ["es", "ES", " spa ", "Spanish", "español", "Espanol"])
def test_every_spelling_of_spanish_needs_the_spanish_skill(spelling: str) -> None:
    assert canonical_language(spelling) == "spanish"
    assert skill_for_language(spelling) == "lang:es"
    assert speaker_of("lang:es") == "a Spanish speaker"


@pytest.mark.parametrize("value", ["", "en", "English", " ENG "])
def test_english_needs_no_skill(value: str) -> None:
    assert skill_for_language(value) is None


@pytest.mark.parametrize(
    ("value", "skill", "speaker"),
    [
        ("fr", "lang:fr", "a French speaker"),
        ("Arabic", "lang:ar", "an Arabic speaker"),
        ("tiếng Việt", "lang:vi", "a Vietnamese speaker"),
        ("zho", "lang:zh", "a Chinese speaker"),
        ("Kreyol", "lang:ht", "a Haitian Creole speaker"),
        ("ASL", "lang:asl", "someone who signs ASL"),
        ("somali", "lang:somali", "a speaker of somali"),
    ],
)
def test_every_language_is_a_skill_with_a_name(value: str, skill: str, speaker: str) -> None:
    assert skill_for_language(value) == skill
    assert speaker_of(skill) == speaker


def test_staff_languages_field_gives_one_skill_per_language() -> None:
    assert language_skills("en, ES,Français,,asl") == {"lang:es", "lang:fr", "lang:asl"}
    assert speaker_of("peer_support") is None


def test_language_codes_are_unique() -> None:
    codes = [lang.code for lang in LANGUAGE_LIST]
    assert len(codes) == len(set(codes))


@given(st.sampled_from([s for spellings in LANGUAGES.values() for s in spellings]))
def test_each_spelling_maps_to_the_one_language_that_lists_it(spelling: str) -> None:
    owners = [name for name, spellings in LANGUAGES.items() if spelling in spellings]
    assert owners == [canonical_language(spelling.upper())]


def test_planning_and_rebalancing_agree_on_spanish() -> None:
    """A clinician with the skill planning asks for satisfies rebalancing's language rule."""
    skill = skill_for_language("espanol")
    assert skill is not None
    clinician = Capabilities.of("community_paramedic", [skill], [])
    assert unmet(Needs(language=canonical_language("espanol")), clinician) == ()
    assert unmet(Needs(language="spanish"), Capabilities.of("nurse", [], [])) == (
        "does not speak Spanish",
    )
