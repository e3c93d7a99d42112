"""Splitting an address into house number, street (directions, name, suffix), unit, city and ZIP.

Plain "NUMBER STREET" text (most of an address table) takes a quick path; anything with a comma,
a unit or a ZIP goes through `usaddress` (a trained parser of US addresses). Both paths end in
the same word normalisation, so a table row and a query spelled differently meet on one key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import usaddress

from caseload.geocoding.normalise import (
    DIRECTION_CODES,
    SUFFIX_CODES,
    normalise_city,
    normalise_zip,
    words_of,
)

UNIT_WORDS = frozenset(
    {"APT", "UNIT", "STE", "LOT", "RM", "ROOM", "BLDG", "FL", "FLOOR", "SPC", "TRLR", "DEPT"}
)
_SIMPLE = re.compile(r"\s*(\d{1,7})(?:-?[A-Za-z])?\s+([A-Za-z][A-Za-z0-9 .'/-]*)")
_NUMBER = re.compile(r"\s*(\d{1,7})")
_UNIT_TAIL = re.compile(
    r"(?:#|\b(?:APT|APARTMENT|UNIT|STE|SUITE|LOT|RM|ROOM|BLDG|FL|FLOOR|SPC|TRLR)\b).*$",
    re.IGNORECASE,
)
_STREET_TAGS = (
    "StreetNamePreModifier",
    "StreetNamePreDirectional",
    "StreetNamePreType",
    "StreetName",
    "StreetNamePostType",
    "StreetNamePostDirectional",
    "StreetNamePostModifier",
)
_UNIT_TAGS = (
    "OccupancyType",
    "OccupancyIdentifier",
    "SubaddressType",
    "SubaddressIdentifier",
    "BuildingName",
)


@dataclass(frozen=True, slots=True)
class StreetParts:
    """A normalised street: 'N ROXBORO RD' is ('N', 'ROXBORO', 'RD', '')."""

    predir: str
    name: str
    suffix: str
    postdir: str

    @property
    def key(self) -> str:
        return " ".join(p for p in (self.predir, self.name, self.suffix, self.postdir) if p)


@dataclass(frozen=True, slots=True)
class ParsedAddress:
    number: int | None
    street: StreetParts
    unit: str  # 'APT 35': dropped for matching, kept for the sheet
    city: str  # normalised
    zip5: str

    @property
    def is_street_address(self) -> bool:
        return self.number is not None and bool(self.street.name)


NO_STREET = StreetParts("", "", "", "")


def split_street(words: list[str]) -> StreetParts:
    """Directions and suffix off the ends of the street's words (never the last word left)."""
    rest = list(words)
    predir = rest.pop(0) if len(rest) > 1 and rest[0] in DIRECTION_CODES else ""
    postdir = rest.pop() if len(rest) > 1 and rest[-1] in DIRECTION_CODES else ""
    suffix = rest.pop() if len(rest) > 1 and rest[-1] in SUFFIX_CODES else ""
    return StreetParts(predir, " ".join(rest), suffix, postdir)


def parse_address(text: str, city: str = "", zip_code: str = "") -> ParsedAddress:
    """Parse one address; a `city` or `zip_code` given separately wins over one in the text."""
    simple = _SIMPLE.fullmatch(text)
    number: int | None
    words = words_of(simple.group(2)) if simple is not None else []
    if (
        simple is not None
        and words
        and (words[-1] in SUFFIX_CODES or words[-1] in DIRECTION_CODES)
        and not UNIT_WORDS.intersection(words)
    ):
        # '3808 Guess Road': nothing after the street's suffix that the parser would need to read
        number, street, unit, found_city, found_zip = (
            int(simple.group(1)),
            split_street(words),
            "",
            "",
            "",
        )
    else:
        number, street, unit, found_city, found_zip = _parse_with_usaddress(text)
    return ParsedAddress(
        number=number,
        street=street,
        unit=unit,
        city=normalise_city(city) or found_city,
        zip5=normalise_zip(zip_code) or found_zip,
    )


def street_line(text: str) -> str:
    """The street part as written: before the first comma, without a unit
    ('10 Real Street Apt 4, Durham NC' -> '10 Real Street')."""
    first = text.split(",", 1)[0]
    unit = _UNIT_TAIL.search(first)
    return (first[: unit.start()] if unit else first).strip()


def _parse_with_usaddress(text: str) -> tuple[int | None, StreetParts, str, str, str]:
    try:
        tagged, _kind = usaddress.tag(text)
    except usaddress.RepeatedLabelError:
        return _parse_leniently(text)
    number_match = _NUMBER.match(str(tagged.get("AddressNumber", "")))
    street_text = " ".join(str(tagged[t]) for t in _STREET_TAGS if t in tagged)
    unit = " ".join(words_of(" ".join(str(tagged[t]) for t in _UNIT_TAGS if t in tagged)))
    return (
        int(number_match.group(1)) if number_match else None,
        split_street(words_of(street_text)) if street_text else NO_STREET,
        unit,
        normalise_city(str(tagged.get("PlaceName", ""))),
        normalise_zip(str(tagged.get("ZipCode", ""))),
    )


def _parse_leniently(text: str) -> tuple[int | None, StreetParts, str, str, str]:
    """When the parser gives up: number, then the street up to a comma or a unit."""
    first = text.split(",", 1)[0]
    unit_match = _UNIT_TAIL.search(first)
    unit = " ".join(words_of(unit_match.group(0))) if unit_match else ""
    street = first[: unit_match.start()] if unit_match else first
    number_match = _NUMBER.match(street)
    if number_match is None:
        return None, split_street(words_of(street)), unit, "", ""
    words = words_of(street[number_match.end() :])
    return int(number_match.group(1)), split_street(words), unit, "", ""
