"""Reading the database back, to assert what was (or was not) stored, and the few rows tests store directly."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from coaching.models import Base, DayLog, Nudge, Rep

# The figures a rep logs, in the order the form, the help and the export show them; written out, not imported,
# so a figure dropped from coaching.fields fails the tests that list them.
FIGURE_KEYS = (
    "contacts",
    "fcr",
    "repeat",
    "csat",
    "aht",
    "complaints",
    "upsells",
    "crosssells",
    "referrals",
    "recommit",
    "practices",
)


def snapshot(sessions) -> dict[str, list[tuple]]:
    """Every row of every table, to show that a refused request changed nothing."""
    with sessions() as session:
        return {
            table.name: sorted(tuple(row) for row in session.execute(select(table)).all())
            for table in Base.metadata.sorted_tables
        }


def logged_days(sessions, user_id: str = "U0ANNA", workspace_id: str | None = None) -> list[DayLog]:
    """The user's days in day order; a user id is unique only within its workspace, so name it where two share one."""
    with sessions() as session:
        query = select(DayLog).join(Rep).where(Rep.user_id == user_id).order_by(DayLog.day)
        if workspace_id is not None:
            query = query.where(Rep.workspace_id == workspace_id)
        return list(session.scalars(query))


def answered_nudge(
    rep_id: int,
    practice_id: str | None,
    day: date,
    feedback: str | None,
    *,
    kind: str = "practice",
    metric: str = "fcr_rate",
    focus_value: float | None = None,
) -> Nudge:
    """A nudge given on `day` (a practice by default) and answered with `feedback` (None: not answered)."""
    at = datetime.combine(day, datetime.min.time(), UTC)
    return Nudge(
        rep_id=rep_id,
        kind=kind,
        practice_id=practice_id,
        metric=metric,
        focus_value=focus_value,
        language="en",
        local_date=day,
        created_at=at,
        feedback=feedback,
        feedback_at=at if feedback else None,
    )
