"""Scorecard periods: the current one runs to today, and is compared with the whole previous one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

PeriodName = Literal["week", "month", "quarter"]
PERIOD_NAMES: tuple[PeriodName, ...] = ("week", "month", "quarter")


@dataclass(frozen=True)
class Period:
    name: PeriodName
    start: date
    end: date

    def previous(self) -> Period:
        end = self.start - timedelta(days=1)
        return Period(self.name, period_start(self.name, end), end)


def current_period(name: PeriodName, today: date) -> Period:
    return Period(name, period_start(name, today), today)


def period_start(name: PeriodName, day: date) -> date:
    if name == "week":
        return day - timedelta(days=day.weekday())
    if name == "month":
        return day.replace(day=1)
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
