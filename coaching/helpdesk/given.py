"""Which of a rep's figures their helpdesk gives, as `/log`'s help and form show them: those the rep need not (and
may not) type, so the help leaves them out and the form shows them read-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from coaching.helpdesk.connector import SOURCES
from coaching.helpdesk.days import helpdesk_keys, imported_keys
from coaching.models import DayLog


@dataclass(frozen=True)
class GivenFigures:
    # The helpdesk's name ("Zendesk"); "" when it gives the rep nothing.
    helpdesk: str = ""
    keys: frozenset[str] = frozenset()


# A rep matched to no agent, or whose teams take nothing from it: they type every figure.
NOTHING_GIVEN = GivenFigures()


def given_figures(session: Session, *, rep_id: int, day: date | None = None) -> GivenFigures:
    """The figures the rep's helpdesk gives them, and with `day` those a sync imported into that day (a team's
    choice may have changed since: what was imported stays the helpdesk's until it is imported again)."""
    helpdesk, keys = helpdesk_keys(session, rep_id)
    if day is not None:
        log = session.scalars(select(DayLog).where(DayLog.rep_id == rep_id, DayLog.day == day)).one_or_none()
        imported = imported_keys(log)
        if log is not None and imported:
            helpdesk = helpdesk or SOURCES.get(log.imported_from or "", log.imported_from or "")
            keys |= imported
    return GivenFigures(helpdesk, keys) if keys else NOTHING_GIVEN
