"""Closed vocabularies of the caseload domain (stored as their string values)."""

from __future__ import annotations

from enum import StrEnum


class HousingStatus(StrEnum):
    HOUSED = "housed"
    SHELTERED = "sheltered"
    UNSHELTERED = "unsheltered"


class PlaceKind(StrEnum):
    HOME = "home"
    SHELTER = "shelter"
    CAMP = "camp"
    DAY_CENTRE = "day_centre"
    OTHER = "other"


class SharedPlaceKind(StrEnum):
    """What a shared place is (for the list and the sheet)."""

    SHELTER = "shelter"
    CAMP = "camp"
    DAY_CENTRE = "day_centre"
    LIBRARY = "library"
    BUS_STATION = "bus_station"
    OTHER = "other"


class GeocodeQuality(StrEnum):
    """How much to trust a client's coordinates, best first:

    - EXACT: the house itself (the address table, coordinates in the import file, or a house
      found by the agency's own geocoder);
    - INTERPOLATED: between the nearest known house numbers on the same side of the street;
    - STREET: the house number in the same ZIP or city on a street whose name was misspelt;
    - ZIP: somewhere in the ZIP code (its centre) or an area: routed only when the manager
      accepts approximate locations, and then "approximate location — call ahead";
    - MANUAL: placed by a person on the map or typed in (who and when are kept);
    - NONE: no coordinates: never routed ("needs a location").

    Databases written before these names stored "address" (now EXACT) and "approximate" (now
    ZIP); reading such a value gives the new member (`_missing_`), so those databases need no
    data migration, and every write stores the new names.
    """

    EXACT = "exact"
    INTERPOLATED = "interpolated"
    STREET = "street"
    ZIP = "zip"
    MANUAL = "manual"
    NONE = "none"
    # Earlier names, kept as aliases so code written against them still runs (not listed when
    # iterating); new code uses EXACT and ZIP.
    ADDRESS = "exact"
    APPROXIMATE = "zip"

    @classmethod
    def _missing_(cls, value: object) -> GeocodeQuality | None:
        return _LEGACY_QUALITIES.get(str(value))

    @property
    def is_routable_as_is(self) -> bool:
        """Whether a visit here is planned like any other (ZIP needs the manager's yes)."""
        return self not in (GeocodeQuality.ZIP, GeocodeQuality.NONE)


_LEGACY_QUALITIES = {"address": GeocodeQuality.EXACT, "approximate": GeocodeQuality.ZIP}


class ProgramCode(StrEnum):
    OVERDOSE_FOLLOWUP = "overdose_followup"
    HIGH_UTILIZER = "high_utilizer"
    FALL_PREVENTION = "fall_prevention"
    HOMEBOUND_VACCINE = "homebound_vaccine"
    CHRONIC_DISEASE = "chronic_disease"
    COMMUNITY_ADVOCACY = "community_advocacy"


class EventKind(StrEnum):
    CALL_911 = "call_911"
    ED_VISIT = "ed_visit"
    OVERDOSE = "overdose"
    FALL = "fall"
    HOSPITAL_DISCHARGE = "hospital_discharge"
    HOSPITAL_ADMISSION = "hospital_admission"
    EMS_TRANSPORT = "ems_transport"


class ReferralSource(StrEnum):
    EMS_CREW = "ems_crew"
    HOSPITAL = "hospital"  # an ED or hospital discharge planner
    ADULT_PROTECTIVE_SERVICES = "aps"
    CLINIC = "clinic"
    POLICE = "police"
    SELF = "self"

    @property
    def label(self) -> str:
        """How a program manager names the source in the queue and in priority reasons."""
        return {
            "ems_crew": "EMS crew",
            "hospital": "ED discharge planner",
            "aps": "adult protective services",
            "clinic": "clinic",
            "police": "police",
            "self": "self-referral",
        }[self.value]


class ReferralStatus(StrEnum):
    NEW = "new"  # in the queue, not triaged
    ACCEPTED = "accepted"  # linked to a client and enrolled
    DECLINED = "declined"  # with a reason
    UNABLE_TO_REACH = "unable_to_reach"  # after N attempts


class ClientStatus(StrEnum):
    """Only ACTIVE clients are ranked and planned; the others are kept for the record."""

    ACTIVE = "active"
    DECEASED = "deceased"
    MOVED_AWAY = "moved_away"
    TRANSFERRED = "transferred"
    MERGED = "merged"  # a duplicate folded into another client (`merged_into_id`)


class EnrollmentEnd(StrEnum):
    GRADUATED = "graduated"
    DISENROLLED = "disenrolled"


class VisitStatus(StrEnum):
    """A visit's state: planned, or the outcome recorded for it (`caseload.outcomes`)."""

    PLANNED = "planned"
    COMPLETED = "completed"
    NO_CONTACT = "no_contact"  # attempted: client not found
    REFUSED = "refused"  # the client declined the visit
    TRANSPORTED = "transported"  # client transported / referred to the ED
    CANCELLED = "cancelled"  # cancelled by the program
    RESCHEDULED = "rescheduled"  # moved to another day (`Visit.rescheduled_to`)


class VisitType(StrEnum):
    FOLLOW_UP = "follow_up"
    OVERDOSE_FOLLOW_UP = "overdose_follow_up"
    POST_DISCHARGE = "post_discharge"
    FALL_ASSESSMENT = "fall_assessment"
    VACCINATION = "vaccination"
    CHRONIC_CARE = "chronic_care"
    OUTREACH = "outreach"
    APPOINTMENT = "appointment"


class StaffRole(StrEnum):
    COMMUNITY_PARAMEDIC = "community_paramedic"
    EMT = "emt"
    PEER_SUPPORT = "peer_support"
    NURSE = "nurse"
    PROGRAM_MANAGER = "program_manager"
    SUPERVISOR = "supervisor"


class Certification(StrEnum):
    """Certifications and licences a staff member can hold (each with an expiry date); some
    give a skill while valid (`caseload.team.skills`)."""

    COMMUNITY_PARAMEDIC = "community_paramedic"
    PARAMEDIC = "paramedic"
    EMT = "emt"
    REGISTERED_NURSE = "registered_nurse"
    PEER_SUPPORT = "peer_support"
    NALOXONE_TRAINER = "naloxone_trainer"
    IMMUNIZER = "immunizer"
    WOUND_CARE = "wound_care"
    CPR = "cpr"


class ShiftExceptionKind(StrEnum):
    """A change to someone's weekly pattern on one day."""

    LEAVE = "leave"  # off (planned)
    SICK = "sick"  # off sick: listed as out sick for the day
    SWAP = "swap"  # a colleague (`swap_with`) works this person's shift instead
    EXTRA = "extra"  # a one-off shift (or other hours than the pattern's) on that day


class Skill(StrEnum):
    """Skills a crew brings (its members', plus TWO_PERSON for a crew of two or more); a visit
    may require some of them. Languages are skills too, named by `caseload.languages`."""

    PARAMEDIC = "paramedic"
    VACCINE = "vaccine"
    PEER_SUPPORT = "peer_support"
    NALOXONE = "naloxone"
    WOUND_CARE = "wound_care"
    TWO_PERSON = "two_person"
    # A licensed clinician (paramedic or nurse): what a program closed to peer support needs.
    CLINICIAN = "clinician"


class ConsentState(StrEnum):
    """A client's consent to the program: only GIVEN is a consenting client; NOT_RECORDED
    (nothing on file) is visited only to obtain consent, DECLINED never."""

    GIVEN = "given"
    DECLINED = "declined"
    NOT_RECORDED = "not_recorded"


class Tier(StrEnum):
    MUST = "MUST"
    HIGH = "HIGH"
    ROUTINE = "ROUTINE"

    @property
    def rank(self) -> int:
        """0 for MUST, 1 for HIGH, 2 for ROUTINE: sorts the most urgent first."""
        return {"MUST": 0, "HIGH": 1, "ROUTINE": 2}[self.value]
