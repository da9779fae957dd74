"""Kudos: one rep thanking another in front of the team they share, a few times a day at most."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coaching.i18n import lazy_gettext
from coaching.models import Kudos, Rep, Team
from coaching.refusals import Refusal
from coaching.teams import shared_team

MAX_KUDOS_A_DAY = 5
MAX_KUDOS_REASON = 280


class KudosRefused(Refusal):
    """Kudos that cannot be given; the message says why."""


@dataclass(frozen=True)
class GivenKudos:
    kudos: Kudos
    team: Team
    channel_id: str
    # The receiver asked to be left out of team posts: the kudos go to them directly.
    public: bool


def give_kudos(*, session: Session, giver: Rep, receiver: Rep, reason: str, today: date, now: datetime) -> GivenKudos:
    """Stores kudos from `giver` to `receiver` for the team they share; flushes, never commits."""
    if receiver.id == giver.id:
        raise KudosRefused(lazy_gettext("Kudos are for someone else; your own wins show up in your scorecard."))
    if len(reason) > MAX_KUDOS_REASON:
        raise KudosRefused(
            lazy_gettext(
                "Keep the reason to %(most)s characters; that one has %(length)s.",
                most=MAX_KUDOS_REASON,
                length=len(reason),
            )
        )
    given_today = session.scalar(
        select(func.count(Kudos.id)).where(Kudos.giver_id == giver.id, Kudos.given_on == today)
    )
    if (given_today or 0) >= MAX_KUDOS_A_DAY:
        raise KudosRefused(
            lazy_gettext("You have given %(most)s kudos today, the most a day; more tomorrow.", most=MAX_KUDOS_A_DAY)
        )
    team = shared_team(session, giver, receiver)
    if team is None or team.channel_id is None:
        raise KudosRefused(lazy_gettext("Kudos go to a team channel you share with them, and I don't know one."))
    kudos = Kudos(
        team_id=team.id, giver_id=giver.id, receiver_id=receiver.id, reason=reason, given_on=today, created_at=now
    )
    session.add(kudos)
    session.flush()
    return GivenKudos(kudos, team, team.channel_id, public=not receiver.recognition_opt_out)
