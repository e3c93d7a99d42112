"""caseload.languages: one list of languages for planning and rebalancing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseload.enums import Skill
from caseload.languages import LANGUAGES, canonical_language, skill_for_language
from caseload.rebalance.rules import Capabilities, Needs, unmet


@pytest.mark.parametrize("spelling", ["es", "ES", " spa ", "Spanish", "español", "Espanol"])
def test_every_spelling_of_spanish_needs_the_spanish_skill(spelling: str) -> None:
    assert canonical_language(spelling) == "spanish"
    assert skill_for_language(spelling) == Skill.SPANISH.value


@pytest.mark.parametrize("value", ["", "en", "English", "fr", "vietnamese", "tagalog"])
def test_english_and_languages_without_a_skill_need_none(value: str) -> None:
    assert skill_for_language(value) is None


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
