"""A fall after the last completed visit is escalated like a new fall: at least HIGH, with a
"no contact since" reason, even after the usual 14-day recency window (up to 30 days)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from caseload.actor import local_actor
from caseload.enums import Tier, VisitStatus, VisitType
from caseload.priority.engine import compute_priority
from caseload.priority.facts import ClientFacts, ClientPriority
from caseload.priority.rules import PriorityRules
from caseload.priority.service import rank_caseload
from caseload.store.database import Database
from caseload.store.models import Client, UtilizationEvent, Visit

ZONE = ZoneInfo("America/New_York")
NOW = datetime(2026, 5, 18, 7, 0, tzinfo=ZONE)
ON = NOW.date()
RULES = PriorityRules()


def ago(**kwargs: float) -> datetime:
    return NOW - timedelta(**kwargs)


def prio(**facts: object) -> ClientPriority:
    base = ClientFacts(client_id=1, external_id="C1", name="Ana Lopez")
    return compute_priority(dataclasses.replace(base, **facts), NOW, ON, RULES)  # type: ignore[arg-type]


def labels(p: ClientPriority) -> dict[str, str]:
    return {r.code: r.label for r in p.reasons}


def test_fall_60_h_ago_with_no_contact_since_is_escalated() -> None:
    """Fall 60 h ago, last completed visit 5 days ago: nobody has seen the client since the
    fall, so they are HIGH (not ROUTINE) and the list says why."""
    p = prio(events=(("fall", ago(hours=60)),), last_contact=ago(days=5))
    assert p.tier is Tier.HIGH
    assert labels(p) == {
        "recent_fall": "Fall 60 h ago",
        "unseen_fall": "No completed contact since the fall 60 h ago",
        "last_contact": "Last contact 5 days ago (completed visit)",
    }
    assert p.score == RULES.recent_fall_points + RULES.unseen_fall_points + 2.5
    assert p.purpose == "Fall assessment"


def test_an_unseen_fall_is_high_whatever_the_high_threshold() -> None:
    """With the HIGH threshold raised to 60 points, the unseen fall (37.5 points) is still HIGH:
    the "no contact since" reason sets a floor, not just points."""
    strict = PriorityRules(high_tier_min_score=60)
    base = ClientFacts(client_id=1, external_id="C1", name="Ana Lopez")
    unseen = dataclasses.replace(base, events=(("fall", ago(hours=60)),), last_contact=ago(days=5))
    p = compute_priority(unseen, NOW, ON, strict)
    assert p.score < strict.high_tier_min_score
    assert p.tier is Tier.HIGH
    seen = dataclasses.replace(unseen, last_contact=ago(days=1))
    assert compute_priority(seen, NOW, ON, strict).tier is Tier.ROUTINE


def test_the_same_fall_seen_since_stays_routine() -> None:
    """Fall 60 h ago, completed visit yesterday: the fall still counts but is not escalated."""
    p = prio(events=(("fall", ago(hours=60)),), last_contact=ago(days=1))
    assert p.tier is Tier.ROUTINE
    assert set(labels(p)) == {"recent_fall", "last_contact"}


def test_an_unseen_fall_older_than_the_recency_window_still_counts() -> None:
    """Fall 20 days ago (past the 14-day window), last visit 25 days ago: still escalated."""
    p = prio(events=(("fall", ago(days=20)),), last_contact=ago(days=25))
    assert p.tier is Tier.HIGH
    assert labels(p)["recent_fall"] == "Fall 20 days ago"
    assert labels(p)["unseen_fall"] == "No completed contact since the fall 20 days ago"


def test_an_unseen_fall_beyond_the_lookback_no_longer_escalates() -> None:
    """Fall 40 days ago and no contact since: older than the 30-day look-back, not a reason."""
    p = prio(events=(("fall", ago(days=40)),), last_contact=ago(days=50))
    assert {"recent_fall", "unseen_fall"}.isdisjoint(labels(p))


def test_an_old_unseen_fall_and_a_recent_seen_one_are_counted_together() -> None:
    """Falls 20 and 3 days ago; last visit 25 days ago: two unseen falls, one reason each."""
    p = prio(events=(("fall", ago(days=20)), ("fall", ago(days=3))), last_contact=ago(days=25))
    assert labels(p)["recent_fall"] == "2 falls, the first 20 days ago, the last 72 h ago"
    assert labels(p)["unseen_fall"] == "No completed contact since 2 falls, the first 20 days ago"
    assert p.tier is Tier.HIGH


def _client(db: Database, external_id: str, fall: datetime, visit: date) -> None:
    with db.session() as s:
        client = Client(
            external_id=external_id,
            first_name=external_id,
            last_name="Test",
            date_of_birth=date(1950, 1, 1),
            created_at=datetime(2025, 1, 1, tzinfo=UTC),
        )
        s.add(client)
        s.flush()
        s.add(UtilizationEvent(client_id=client.id, kind="fall", occurred_at=fall))
        s.add(
            Visit(
                client_id=client.id,
                visit_date=visit,
                status=VisitStatus.COMPLETED.value,
                visit_type=VisitType.FOLLOW_UP.value,
            )
        )


def test_the_service_escalates_a_fall_after_the_last_visit(db: Database) -> None:
    """From the database: UNSEEN fell 20 days ago, last visit 25 days ago → HIGH; SEEN fell
    20 days ago and was visited 10 days ago → no fall reason, ROUTINE."""
    _client(db, "UNSEEN", ago(days=20), ON - timedelta(days=25))
    _client(db, "SEEN", ago(days=20), ON - timedelta(days=10))
    ranked = {p.external_id: p for p in rank_caseload(db, ON, local_actor(), now=NOW)}
    assert ranked["UNSEEN"].tier is Tier.HIGH
    assert "unseen_fall" in labels(ranked["UNSEEN"])
    assert ranked["SEEN"].tier is Tier.ROUTINE
    assert {"recent_fall", "unseen_fall"}.isdisjoint(labels(ranked["SEEN"]))
