"""Messages queued from more than one entry point: the welcome (Home opened, joined a team), a lead's summary
(the Monday job, `/coach summary`) and kudos (`/coach kudos`, the demo). They write to the outbox in the caller's
transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.blocks.team import kudos_message, summary_message
from bot.blocks.welcome import welcome_message
from bot.deps import Deps
from coaching import preferences
from coaching.helpdesk.given import given_figures
from coaching.kudos import GivenKudos
from coaching.models import Rep, Team
from coaching.outbox import is_queued, queue_message
from coaching.periods import Period
from coaching.summary import build_team_summary
from coaching.teams import team_language


def queue_welcome(*, session: Session, deps: Deps, rep: Rep) -> bool:
    """The welcome a person gets once: when they first open the app's Home, or join a team; the key makes it once."""
    return queue_message(
        session=session,
        workspace_id=rep.workspace_id,
        kind="welcome",
        recipient=rep.user_id,
        key=f"welcome:{rep.workspace_id}:{rep.user_id}",
        message=welcome_message(preferences.language(rep), given_figures(session, rep_id=rep.id)),
        now=deps.now(),
    )


def queue_summary(*, session: Session, deps: Deps, team: Team, lead: Rep, week: Period, key: str) -> bool:
    """The team's summary of `week` for `lead`, unless a message with `key` was queued before."""
    if is_queued(session, key):
        return False
    summary = build_team_summary(session, team, week, deps.definition, deps.library)
    return queue_message(
        session=session,
        workspace_id=team.workspace_id,
        kind="summary",
        recipient=lead.user_id,
        key=key,
        message=summary_message(summary, deps.definition, deps.library, preferences.language(lead)),
        now=deps.now(),
    )


def queue_kudos(*, session: Session, deps: Deps, giver: Rep, receiver: Rep, given: GivenKudos) -> bool:
    """Kudos posted in the team channel, in its language; to a receiver who keeps out of team posts, directly and in
    their own."""
    language = team_language(session, given.team) if given.public else preferences.language(receiver)
    return queue_message(
        session=session,
        workspace_id=giver.workspace_id,
        kind="kudos",
        recipient=given.channel_id if given.public else receiver.user_id,
        key=f"kudos:{given.kudos.id}",
        message=kudos_message(giver.user_id, receiver.user_id, given.kudos.reason, language),
        now=deps.now(),
    )
