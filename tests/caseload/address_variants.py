"""Messy spellings of real address-table rows, the way referral forms write them, and invented
streets: the inputs of the matching precision/recall tests and of the geocoding benchmark."""

from __future__ import annotations

import csv
import random
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from caseload.geocoding import parse_address
from caseload.geocoding.normalise import DIRECTIONS, SUFFIXES


@dataclass(frozen=True, slots=True)
class TableRow:
    address: str
    city: str
    zip: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Query:
    address: str
    city: str
    zip: str
    source: TableRow | None  # None: an invented street
    messes: tuple[str, ...]


def read_table(path: Path) -> list[TableRow]:
    with path.open(newline="", encoding="utf-8") as f:
        return [
            TableRow(r["address"], r["city"], r["zip"], float(r["lat"]), float(r["lon"]))
            for r in csv.DictReader(f)
        ]


def street_rows(rows: list[TableRow]) -> list[TableRow]:
    """Rows that are a house number on a named street (not 'C/O Service America')."""
    return [r for r in rows if parse_address(r.address).is_street_address]


_LONG = {v: k for k, v in SUFFIXES.items() if len(k) > len(v)}
_LONG_DIRECTIONS = {v: k for k, v in DIRECTIONS.items()}


def _respell(words: list[str], rng: random.Random) -> list[str]:
    """'Road' <-> 'Rd', 'Rd.'; 'W.' -> 'West' (either way round)."""
    out = []
    for word in words:
        bare = word.rstrip(".").upper()
        if bare in _LONG:
            out.append(rng.choice([_LONG[bare].title(), bare.title() + "."]))
        elif bare in SUFFIXES:
            out.append(SUFFIXES[bare].title())
        elif bare in _LONG_DIRECTIONS:
            out.append(_LONG_DIRECTIONS[bare].title())
        elif bare in DIRECTIONS:
            out.append(DIRECTIONS[bare] + ".")
        else:
            out.append(word)
    return out


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(len(word))
    kind = rng.choice(["swap", "drop", "double", "replace"])
    if kind == "swap" and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop" and len(word) > 4:
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice(string.ascii_lowercase) + word[i + 1 :]


def _name_word_index(words: list[str]) -> int | None:
    """The longest word of the street's name (never the number, a direction or a suffix)."""
    parsed = parse_address(" ".join(words))
    names = set(parsed.street.name.split())
    best = [i for i, w in enumerate(words[1:], 1) if w.upper().strip(".") in names]
    return max(best, key=lambda i: len(words[i]), default=None)


Mess = Callable[[list[str], random.Random], list[str]]


def _typos(count: int) -> Mess:
    def mess(words: list[str], rng: random.Random) -> list[str]:
        i = _name_word_index(words)
        if i is None or len(words[i]) < 6:
            return words
        out = list(words)
        for _ in range(count):
            out[i] = _typo(out[i], rng)
        return out

    return mess


MESSES: dict[str, Mess] = {
    "respelled": _respell,
    "upper": lambda w, _: [x.upper() for x in w],
    "lower": lambda w, _: [x.lower() for x in w],
    "unit": lambda w, rng: [
        *w,
        rng.choice(["Apt", "Unit", "#", "Apt.", "Ste"]),
        str(rng.randint(1, 40)),
    ],
    "typo1": _typos(1),
    "typo2": _typos(2),
}


def messy_queries(rows: list[TableRow], count: int, seed: int = 7) -> Iterator[Query]:
    """`count` variants of random street rows, each with one to three messes; a third of them
    lose their ZIP (keeping the city, as forms do)."""
    rng = random.Random(seed)
    usable = street_rows(rows)
    names = list(MESSES)
    for _ in range(count):
        row = rng.choice(usable)
        chosen = rng.sample(names, rng.randint(1, 3))
        if "typo1" in chosen and "typo2" in chosen:
            chosen.remove("typo1")
        words = row.address.split()
        for name in chosen:
            words = MESSES[name](words, rng)
        zip_code = row.zip
        if rng.random() < 1 / 3:
            zip_code, chosen = "", [*chosen, "no zip"]
        yield Query(" ".join(words), row.city, zip_code, row, tuple(chosen))


_SYLLABLES = ["bra", "zel", "quo", "vin", "tor", "mex", "ulf", "kri", "dop", "yan", "wep", "sij"]


def invented_queries(rows: list[TableRow], count: int, seed: int = 11) -> Iterator[Query]:
    """Real house numbers, cities and ZIPs on streets that do not exist."""
    rng = random.Random(seed)
    usable = street_rows(rows)
    for _ in range(count):
        row = rng.choice(usable)
        number = row.address.split()[0]
        name = "".join(rng.sample(_SYLLABLES, 3)).title()
        suffix = rng.choice(["Rd", "Street", "Ave", "Drive", "Ln", "Ct"])
        yield Query(f"{number} {name} {suffix}", row.city, row.zip, None, ("invented",))
