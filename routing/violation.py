"""What the validator reports: one `Violation` per broken constraint."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from routing.errors import RoutingError


@dataclass(frozen=True, slots=True)
class Violation:
    code: str
    message: str
    vehicle_id: int | None = None
    job_id: int | None = None

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class InvalidSolutionError(RoutingError, AssertionError):
    """Raised by `assert_valid`; `violations` lists what is wrong."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations = list(violations)
        super().__init__("invalid solution:\n" + "\n".join(f"  {v}" for v in self.violations))
