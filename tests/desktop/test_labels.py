"""Every flag and event kind the domain can produce has a plain-language label on screen (a raw
code such as `not_found` must never reach the caseload table or the client panel)."""

from __future__ import annotations

from caseload.enums import EventKind
from caseload.priority.facts import FLAGS
from desktop.caseload_model import FLAG_LABELS
from desktop.client_detail import EVENT_LABELS


def test_every_priority_flag_has_a_label() -> None:
    assert set(FLAG_LABELS) == set(FLAGS)


def test_every_event_kind_has_a_label() -> None:
    assert set(EVENT_LABELS) == {kind.value for kind in EventKind}
