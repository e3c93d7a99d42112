"""The demo's seed lists, read from resources/demo/: the same demo for the same seed as when
they were written in code."""

from __future__ import annotations

import dataclasses
import hashlib
import random
from datetime import date
from zoneinfo import ZoneInfo

from caseload.demo.clients import build_clients
from caseload.demo.roster import build_roster
from caseload.demo.seeds import demo_seeds

TODAY = date(2026, 3, 10)
ZONE = ZoneInfo("America/New_York")

# Captured from the generator as it was before its seed lists moved out of the code into
# resources/demo/ (commit b747d52, where they were Python tuples in caseload/demo/names.py). The
# files must give exactly the same demo for the same seed: a reordered, added or retyped entry
# changes which name, street or site the seeded generator picks, and these values with it.
SEED_7_CLIENTS = [
    ("Fatima", "Young", "", "", ""),
    ("Andre", "Chen", "", "", ""),
    ("Michael", "Clark", "1669 Dunstan Ave", "27707", ""),
    ("Dennis", "Young", "", "", ""),
    (
        "Robert",
        "Tapp",
        "2785 Morgan St",
        "27701",
        "Firearm in the home per family; ask for it to be secured before entering.",
    ),
    ("Angela", "Spaulding", "3067 Dacian Ave", "27701", "Back door only; front porch is unsafe."),
]
SEED_7_SPANISH = [
    ("Marisol", "Chávez"),
    ("Guadalupe", "Morales"),
    ("Isabel", "López"),
    ("Ana", "Torres"),
    ("Verónica", "Chávez"),
    ("Sofía", "Sánchez"),
    ("Juan", "Castillo"),
]
SEED_7_PLACES = [
    ("camp", "Library camp", "behind the library, orange tent", 35.996226, -78.899551),
    ("shelter", "Main St shelter", "staff escort visitors inside", 35.994, -78.887),
    (
        "day_centre",
        "Main Library day room",
        "library ground floor, near the computers",
        35.9962,
        -78.899,
    ),
    ("home", "Home", "1669 Dunstan Ave, Durham", 35.975, -78.899),
    (
        "camp",
        "Rail trail camp",
        "by the rail trail near Pettigrew St, yellow tent near the path",
        35.989755,
        -78.892381,
    ),
    ("home", "Home", "2785 Morgan St, Durham", 36.001316, -78.889716),
]
# sha256 of repr() of every staff, shift, crew and client-history row for seed 7, 60 clients.
# Changed deliberately (issue 11): consent became a three-state value from the same single draw,
# clients gained `two_person_visit`, and staff no longer list "spanish" as a skill (their
# `languages` carry it). Undoing exactly those three changes gives the previous digest
# 98b737a1395e9b1742ea0741ecc3fd16b14e068438381d5dc46a8af74446d025: nothing else moved.
# Changed by issue 15 only in the place rows: quality names (address -> exact, approximate ->
# manual for camps) and the approximate_accepted flag of the ZIP-centre homes.
# Changed deliberately (issue 17): each client gained the year before enrolment (911 calls, EMS
# transports, ED visits) from a generator of its own, so every other draw is unchanged.
# Changed deliberately (issue 17): a discharged client's enrolments record how they ended
# (end_kind, end_reason), again from a generator of its own; without those two keys the digest
# is the one before.
SEED_7_DIGEST = "fc2ba5cbe3a1537e6c03cd8f419a71b41003f3f77a0979c8e1b95ec05bd3b84c"
SEED_3_EXTRA_STAFF = [
    ("Wei Evans", "Station 1"),
    ("Ruby Nguyen", "Station 3"),
    ("José Faucette", "Station 4"),
    ("Cody Harris", "Station 7"),
    ("Ruby Mangum", "Station 1"),
    ("Cody Nguyen", "Station 3"),
    ("Ebony McNeill", "Station 4"),
    ("Leticia Davis", "Station 7"),
]


def test_seed_lists_in_resources_give_the_same_demo_as_before() -> None:
    rng = random.Random(7)
    roster = build_roster(rng, 60, TODAY, ZONE)
    rows, _ = build_clients(rng, roster, 60, TODAY, ZONE)
    clients = [
        (c["first_name"], c["last_name"], c["address"], c["zip"], c["safety_notes"])
        for c in rows.clients
    ]
    assert clients[:6] == SEED_7_CLIENTS
    spanish = [(c["first_name"], c["last_name"]) for c in rows.clients if c["language"] == "es"]
    assert spanish == SEED_7_SPANISH
    places = [(p["kind"], p["label"], p["description"], p["lat"], p["lon"]) for p in rows.places]
    assert places[:6] == SEED_7_PLACES
    base = roster.staff_rows[0]
    assert (base["base_name"], base["base_lat"], base["base_lon"]) == (
        "Station 1, 139 E. Morgan St",
        35.996845,
        -78.897998,
    )
    everything = (roster.staff_rows, roster.shift_rows, roster.crews, dataclasses.astuple(rows))
    assert hashlib.sha256(repr(everything).encode()).hexdigest() == SEED_7_DIGEST
    large = build_roster(random.Random(3), 2500, TODAY, ZONE)
    extra = [(m.name, m.station.name) for m in large.team[6:14]]
    assert extra == SEED_3_EXTRA_STAFF


def test_seed_lists_are_read_once() -> None:
    assert demo_seeds() is demo_seeds()
    seeds = demo_seeds()
    assert [s.name for s in seeds.stations] == ["Station 1", "Station 3", "Station 4", "Station 7"]
    assert (len(seeds.first_names), len(seeds.hispanic_last_names)) == (68, 30)
    assert {s.kind for s in seeds.camps} == {"camp", "other"}
