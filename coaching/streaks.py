"""A rep's streak: logged days in a row, counting back from today or yesterday, skipping their days off."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from coaching.models import DayLog, Rep
from coaching.preferences import work_days

LOOK_BACK_DAYS = 120


def logged_streak(session: Session, rep: Rep, today: date) -> int:
    logged = set(
        session.scalars(
            select(DayLog.day).where(
                DayLog.rep_id == rep.id, DayLog.day > today - timedelta(days=LOOK_BACK_DAYS), DayLog.day <= today
            )
        )
    )
    working = work_days(rep)
    day = today if today in logged else today - timedelta(days=1)
    streak = 0
    while day > today - timedelta(days=LOOK_BACK_DAYS):
        if day in logged:
            streak += 1
        elif day.weekday() in working:
            break
        day -= timedelta(days=1)
    return streak
