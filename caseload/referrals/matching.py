"""Matching a referred person to clients already on file, by name and date of birth.

Names are compared normalised (case, accents, punctuation and spacing ignored). A client with the
same normalised name and date of birth is an *exact* match; the same date of birth with a similar
name (a nickname, a typo, first and last swapped) or the same name with the day and month of the
date of birth swapped is a *likely* match a person should confirm.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseload.actor import Actor
from caseload.enums import ClientStatus
from caseload.store.database import Database
from caseload.store.models import Client
from caseload.users.permissions import Permission, require

SIMILAR_NAME_RATIO = 0.75  # SequenceMatcher ratio of the normalised full names


def normalise_name(name: str) -> str:
    """'  O'Brien-Smith, José ' -> 'obriensmith jose': lower case, no accents or punctuation."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    words = (re.sub(r"[^a-z]", "", w) for w in re.split(r"[\s,]+", plain.lower()))
    return " ".join(w for w in words if w)


def name_key(first_name: str, last_name: str) -> str:
    return f"{normalise_name(first_name)}|{normalise_name(last_name)}"


@dataclass(frozen=True, slots=True)
class ClientMatch:
    """A client who may be the referred person, with why we think so."""

    client_id: int
    external_id: str
    name: str
    date_of_birth: date
    status: str
    exact: bool
    why: str
    score: float  # 1.0 exact; lower is less certain


def _swapped(day: date) -> date | None:
    try:
        return (
            date(day.year, day.day, day.month) if day.day <= 12 and day.day != day.month else None
        )
    except ValueError:
        return None


def _similarity(first: str, last: str, c_first: str, c_last: str) -> tuple[float, str]:
    a, b = normalise_name(f"{first} {last}"), normalise_name(f"{c_first} {c_last}")
    swapped = normalise_name(f"{last} {first}")
    ratio = max(SequenceMatcher(None, a, b).ratio(), SequenceMatcher(None, swapped, b).ratio())
    if (
        normalise_name(last) == normalise_name(c_last)
        and normalise_name(first)[:1] == (normalise_name(c_first)[:1])
    ):
        return max(ratio, 0.9), "same last name and first initial"
    return ratio, "similar name"


def find_matches(
    session: Session, first_name: str, last_name: str, date_of_birth: date | None
) -> list[ClientMatch]:
    """Clients who may be this person, best first (exact matches, then likely ones). Clients
    merged into another are left out: the kept client stands for them."""
    if date_of_birth is None or not (first_name.strip() or last_name.strip()):
        return []
    days = [date_of_birth]
    swapped = _swapped(date_of_birth)
    if swapped is not None:
        days.append(swapped)
    rows = session.execute(
        select(
            Client.id,
            Client.external_id,
            Client.first_name,
            Client.last_name,
            Client.date_of_birth,
            Client.status,
            Client.active,
        ).where(Client.date_of_birth.in_(days), Client.status != ClientStatus.MERGED.value)
    ).all()
    key = name_key(first_name, last_name)
    found: list[ClientMatch] = []
    for cid, external_id, c_first, c_last, dob, recorded, active in rows:
        # A client discharged before statuses existed is inactive with status "active".
        status = "discharged" if recorded == ClientStatus.ACTIVE.value and not active else recorded
        same_name = name_key(c_first, c_last) == key
        if dob == date_of_birth and same_name:
            exact, why, score = True, "same name and date of birth", 1.0
        elif dob == date_of_birth:
            score, why = _similarity(first_name, last_name, c_first, c_last)
            if score < SIMILAR_NAME_RATIO:
                continue
            exact, why = False, f"same date of birth, {why}"
        elif same_name:
            exact, why, score = False, "same name, day and month of birth swapped", 0.8
        else:
            continue
        found.append(
            ClientMatch(
                cid, external_id, f"{c_first} {c_last}".strip(), dob, status, exact, why, score
            )
        )
    found.sort(key=lambda m: (-m.score, m.client_id))
    return found


def duplicate_groups(session: Session) -> list[tuple[int, ...]]:
    """Groups of clients (not yet merged) with the same normalised name and date of birth:
    obvious duplicates to offer for merging, each group's ids in ascending order."""
    groups: dict[tuple[str, date], list[int]] = {}
    for cid, first, last, dob in session.execute(
        select(Client.id, Client.first_name, Client.last_name, Client.date_of_birth)
        .where(Client.status != ClientStatus.MERGED.value)
        .order_by(Client.id)
    ):
        groups.setdefault((name_key(first, last), dob), []).append(cid)
    return [tuple(ids) for ids in groups.values() if len(ids) > 1]


def duplicate_clients(db: Database, actor: Actor) -> list[tuple[ClientMatch, ...]]:
    """`duplicate_groups` as the Referrals page lists them (each client with its details), for
    those who may merge them."""
    require(actor, Permission.EDIT_CASELOAD)
    with db.session() as session:
        groups = duplicate_groups(session)
        ids = sorted({cid for group in groups for cid in group})
        found: dict[int, ClientMatch] = {}
        for batch in (ids[i : i + 500] for i in range(0, len(ids), 500)):
            for c in session.scalars(select(Client).where(Client.id.in_(batch))):
                found[c.id] = ClientMatch(
                    c.id,
                    c.external_id,
                    f"{c.first_name} {c.last_name}".strip(),
                    c.date_of_birth,
                    c.status,
                    True,
                    "same name and date of birth as another client",
                    1.0,
                )
        return [tuple(found[cid] for cid in group) for group in groups]
