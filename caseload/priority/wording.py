"""Durations and counts as a program manager reads them in priority reasons."""

from __future__ import annotations

from datetime import timedelta


def num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def span(delta: timedelta) -> str:
    """A duration as a person says it: '41 h', '5 days'."""
    hours = int(delta.total_seconds() // 3600)
    if hours < 1:
        return "under 1 h"
    if hours < 96:
        return f"{hours} h"
    return plural(hours // 24, "day")


def period(days: int) -> str:
    if days % 365 == 0:
        return plural(12 * days // 365, "month")
    return plural(days, "day")


def days_ago(days: int) -> str:
    if days <= 0:
        return "today"
    return "yesterday" if days == 1 else f"{days} days ago"
