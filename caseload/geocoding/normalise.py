"""Spelling rules shared by the address table and the queries: case, punctuation, USPS street
suffixes and directions. Applied the same way on both sides, so consistency is what counts, not
which spelling wins."""

from __future__ import annotations

import re
from collections.abc import Mapping

DIRECTIONS: Mapping[str, str] = {
    "NORTH": "N",
    "SOUTH": "S",
    "EAST": "E",
    "WEST": "W",
    "NORTHEAST": "NE",
    "NORTHWEST": "NW",
    "SOUTHEAST": "SE",
    "SOUTHWEST": "SW",
}
DIRECTION_CODES = frozenset({"N", "S", "E", "W", "NE", "NW", "SE", "SW"})

# USPS Publication 28 suffixes seen on referral forms, in their long and common short forms.
SUFFIXES: Mapping[str, str] = {
    "STREET": "ST",
    "STR": "ST",
    "ROAD": "RD",
    "AVENUE": "AVE",
    "AV": "AVE",
    "AVN": "AVE",
    "DRIVE": "DR",
    "DRV": "DR",
    "BOULEVARD": "BLVD",
    "BOUL": "BLVD",
    "LANE": "LN",
    "COURT": "CT",
    "CIRCLE": "CIR",
    "CIRC": "CIR",
    "PLACE": "PL",
    "PARKWAY": "PKWY",
    "PKY": "PKWY",
    "HIGHWAY": "HWY",
    "HWAY": "HWY",
    "TERRACE": "TER",
    "TERR": "TER",
    "TRAIL": "TRL",
    "PLAZA": "PLZ",
    "SQUARE": "SQ",
    "EXPRESSWAY": "EXPY",
    "FREEWAY": "FWY",
    "WAY": "WAY",
    "LOOP": "LOOP",
    "RUN": "RUN",
    "PATH": "PATH",
    "PIKE": "PIKE",
    "ALLEY": "ALY",
    "CROSSING": "XING",
    "CROSSROAD": "XRD",
    "COVE": "CV",
    "CREEK": "CRK",
    "GLEN": "GLN",
    "HEIGHTS": "HTS",
    "HILL": "HL",
    "HOLLOW": "HOLW",
    "POINT": "PT",
    "RIDGE": "RDG",
    "SPRINGS": "SPGS",
    "VIEW": "VW",
    "WALK": "WALK",
    "CENTER": "CTR",
    "CENTRE": "CTR",
    "COMMONS": "CMNS",
    "EXTENSION": "EXT",
    "MEADOWS": "MDWS",
    "PARK": "PARK",
    "ROW": "ROW",
}
SUFFIX_CODES = frozenset(SUFFIXES.values()) | frozenset(
    {"ST", "RD", "AVE", "DR", "BLVD", "LN", "CT", "CIR", "PL", "PKWY", "HWY", "TER", "TRL"}
)

OTHER_WORDS: Mapping[str, str] = {
    "SUITE": "STE",
    "APARTMENT": "APT",
    "SAINT": "ST",
    "MOUNT": "MT",
    "FORT": "FT",
}

# Whole-word spellings on either side of a match (directions, suffixes, a few common words).
ABBREVIATIONS: Mapping[str, str] = {**OTHER_WORDS, **SUFFIXES, **DIRECTIONS}

_NON_WORD = re.compile(r"[^A-Z0-9]+")
_ZIP = re.compile(r"(\d{5})(?:-?\d{4})?")


def words_of(text: str) -> list[str]:
    """'1058 W. Club Boulevard' -> ['1058', 'W', 'CLUB', 'BLVD'] (upper case, no punctuation)."""
    return [ABBREVIATIONS.get(w, w) for w in _NON_WORD.sub(" ", text.upper()).split()]


def normalise_zip(zip_code: str) -> str:
    """The 5-digit ZIP of '27701', '27701-1234' or '277011234'; '' when there is none."""
    match = _ZIP.fullmatch(zip_code.strip())
    return match.group(1) if match else ""


def normalise_street(address: str) -> str:
    """'1058 W. Club Boulevard' -> '1058 W CLUB BLVD'."""
    return " ".join(words_of(address))


def normalise_city(city: str) -> str:
    """'durham ' -> 'DURHAM' (case, spacing and punctuation only)."""
    return " ".join(_NON_WORD.sub(" ", city.upper()).split())


def normalise_address(address: str, zip_code: str) -> str:
    """The de-duplication key of an address table row: normalised street, '|', 5-digit ZIP."""
    return f"{normalise_street(address)}|{normalise_zip(zip_code)}"


def cache_key(address: str, city: str, state: str, zip_code: str) -> str:
    """The key a geocoder's answer is cached under (normalised, so spellings share an entry)."""
    parts = (normalise_street(address), normalise_street(city), state.strip().upper())
    return "|".join((*parts, normalise_zip(zip_code)))[:300]
