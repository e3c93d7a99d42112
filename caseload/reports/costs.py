"""Unit costs for the cost-avoidance estimate: a settings group (table `settings`, key
`report_costs`), so a program enters its own payer's figures.

The defaults are round planning figures, not prices: an agency should replace them with its
own (e.g. its Medicaid fee schedule and hospital cost reports) before showing a funder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class UnitCosts:
    """Dollars per event avoided, and which before/after window the estimate uses."""

    KEY: ClassVar[str] = "report_costs"

    ed_visit_usd: float = 1500.0
    ems_transport_usd: float = 1100.0
    hospital_admission_usd: float = 12000.0
    call_911_usd: float = 0.0  # a response without transport; 0: not counted by default
    window_days: int = 180  # the before/after span the estimate is built on
    suppress_below: int = 11  # counts 1..(this - 1) are shown as "<11" in shared outputs

    def per_event(self) -> dict[str, float]:
        return {
            "ed_visit": self.ed_visit_usd,
            "ems_transport": self.ems_transport_usd,
            "hospital_admission": self.hospital_admission_usd,
            "call_911": self.call_911_usd,
        }
