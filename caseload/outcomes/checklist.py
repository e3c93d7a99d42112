"""What a crew may tick off on a visit: a closed vocabulary, and each program's list.

A program's list is data (`Program.checklist`, comma-separated codes) so a program manager can
change it; the built-in programs start from `DEFAULT_PROGRAM_CHECKLISTS`. An empty list means
`GENERAL_CHECKLIST`.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class ChecklistItem(StrEnum):
    VITALS = "vitals"
    MEDICATION_RECONCILIATION = "medication_reconciliation"
    NALOXONE_KIT = "naloxone_kit"
    EDUCATION = "education"
    FALL_RISK_ASSESSMENT = "fall_risk_assessment"
    HOME_SAFETY_CHECK = "home_safety_check"
    VACCINE_GIVEN = "vaccine_given"
    CARE_PLAN_REVIEW = "care_plan_review"
    BASIC_NEEDS = "basic_needs"
    REFERRAL_TREATMENT = "referral_treatment"
    REFERRAL_PRIMARY_CARE = "referral_primary_care"
    REFERRAL_HOUSING = "referral_housing"
    REFERRAL_BEHAVIOURAL_HEALTH = "referral_behavioural_health"

    @property
    def label(self) -> str:
        return CHECKLIST_LABELS[self]


CHECKLIST_LABELS: dict[ChecklistItem, str] = {
    ChecklistItem.VITALS: "Vitals taken",
    ChecklistItem.MEDICATION_RECONCILIATION: "Medication reconciliation",
    ChecklistItem.NALOXONE_KIT: "Naloxone kit left",
    ChecklistItem.EDUCATION: "Education",
    ChecklistItem.FALL_RISK_ASSESSMENT: "Fall-risk assessment",
    ChecklistItem.HOME_SAFETY_CHECK: "Home safety check",
    ChecklistItem.VACCINE_GIVEN: "Vaccine given",
    ChecklistItem.CARE_PLAN_REVIEW: "Care plan reviewed",
    ChecklistItem.BASIC_NEEDS: "Food / clothing / supplies given",
    ChecklistItem.REFERRAL_TREATMENT: "Referral: treatment (MOUD / SUD)",
    ChecklistItem.REFERRAL_PRIMARY_CARE: "Referral: primary care",
    ChecklistItem.REFERRAL_HOUSING: "Referral: housing",
    ChecklistItem.REFERRAL_BEHAVIOURAL_HEALTH: "Referral: behavioural health",
}

_REFERRALS = (
    ChecklistItem.REFERRAL_TREATMENT,
    ChecklistItem.REFERRAL_PRIMARY_CARE,
    ChecklistItem.REFERRAL_HOUSING,
    ChecklistItem.REFERRAL_BEHAVIOURAL_HEALTH,
)

GENERAL_CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem.VITALS,
    ChecklistItem.MEDICATION_RECONCILIATION,
    ChecklistItem.EDUCATION,
    *_REFERRALS,
)

# Program code -> its list, for the built-in programs (`caseload.programs`).
DEFAULT_PROGRAM_CHECKLISTS: dict[str, tuple[ChecklistItem, ...]] = {
    "overdose_followup": (
        ChecklistItem.NALOXONE_KIT,
        ChecklistItem.EDUCATION,
        ChecklistItem.VITALS,
        ChecklistItem.BASIC_NEEDS,
        *_REFERRALS,
    ),
    "high_utilizer": (
        ChecklistItem.VITALS,
        ChecklistItem.MEDICATION_RECONCILIATION,
        ChecklistItem.CARE_PLAN_REVIEW,
        ChecklistItem.BASIC_NEEDS,
        *_REFERRALS,
    ),
    "fall_prevention": (
        ChecklistItem.VITALS,
        ChecklistItem.FALL_RISK_ASSESSMENT,
        ChecklistItem.HOME_SAFETY_CHECK,
        ChecklistItem.MEDICATION_RECONCILIATION,
        ChecklistItem.EDUCATION,
        ChecklistItem.REFERRAL_PRIMARY_CARE,
    ),
    "homebound_vaccine": (
        ChecklistItem.VACCINE_GIVEN,
        ChecklistItem.VITALS,
        ChecklistItem.EDUCATION,
        ChecklistItem.REFERRAL_PRIMARY_CARE,
    ),
    "chronic_disease": (
        ChecklistItem.VITALS,
        ChecklistItem.MEDICATION_RECONCILIATION,
        ChecklistItem.CARE_PLAN_REVIEW,
        ChecklistItem.EDUCATION,
        ChecklistItem.REFERRAL_PRIMARY_CARE,
    ),
    "community_advocacy": (
        ChecklistItem.BASIC_NEEDS,
        ChecklistItem.EDUCATION,
        ChecklistItem.REFERRAL_HOUSING,
        ChecklistItem.REFERRAL_BEHAVIOURAL_HEALTH,
        ChecklistItem.REFERRAL_PRIMARY_CARE,
    ),
}


def parse_checklist(text: str) -> tuple[ChecklistItem, ...]:
    """Stored codes back to items, unknown codes skipped (a list edited by a newer version)."""
    known = {item.value: item for item in ChecklistItem}
    return tuple(known[c] for c in (p.strip() for p in text.split(",")) if c in known)


def checklist_text(items: Iterable[ChecklistItem]) -> str:
    seen: list[str] = []
    for item in items:
        if item.value not in seen:
            seen.append(item.value)
    return ",".join(seen)


def program_checklist(stored: str) -> tuple[ChecklistItem, ...]:
    """A program's list: what is stored, or the general list when nothing is."""
    return parse_checklist(stored) or GENERAL_CHECKLIST


def union_checklist(lists: Iterable[tuple[ChecklistItem, ...]]) -> tuple[ChecklistItem, ...]:
    """The items of several programs (a client in two), each once, in first-seen order."""
    out: list[ChecklistItem] = []
    for items in lists:
        out += [i for i in items if i not in out]
    return tuple(out) or GENERAL_CHECKLIST
