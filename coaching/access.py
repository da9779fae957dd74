"""Who may see whose figures. Every listener asks here, so the rules live in one place.

- A rep sees their own figures.
- A lead sees the figures of the members of the teams they lead, and those teams' scorecards.
- An admin manages teams, but sees individual figures only of the teams they lead.
A refusal never says whether the person asked about exists.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from coaching.i18n import lazy_gettext
from coaching.models import Rep, Team, TeamMember
from coaching.refusals import Refusal
from coaching.reps import find_rep
from coaching.teams import find_team, teams_led_by

REFUSAL = lazy_gettext("You can see your own figures, and team leads see their own team's. I can't show you that one.")
NOT_ADMIN = lazy_gettext("Only workspace admins, and people an admin has named, can manage teams.")


class NotAllowed(Refusal):
    """A request for figures the person may not see; the same answer whether or not the subject exists."""


def led_team_ids(session: Session, viewer: Rep) -> set[int]:
    query = select(TeamMember.team_id).where(TeamMember.rep_id == viewer.id, TeamMember.is_lead)
    return set(session.scalars(query))


def may_view_rep(session: Session, viewer: Rep, subject: Rep | None) -> bool:
    if subject is None or subject.workspace_id != viewer.workspace_id:
        return False
    if subject.id == viewer.id:
        return True
    subject_teams = set(session.scalars(select(TeamMember.team_id).where(TeamMember.rep_id == subject.id)))
    return bool(subject_teams & led_team_ids(session, viewer))


def may_view_team(session: Session, viewer: Rep, team: Team | None) -> bool:
    return team is not None and team.workspace_id == viewer.workspace_id and team.id in led_team_ids(session, viewer)


def may_manage_teams(viewer: Rep) -> bool:
    return viewer.is_admin


def rep_to_view(*, session: Session, viewer: Rep, user_id: str) -> Rep:
    """The rep with Slack id `user_id` in the viewer's workspace, if the viewer may see their figures."""
    subject = find_rep(session, viewer.workspace_id, user_id)
    if subject is None or not may_view_rep(session, viewer, subject):
        raise NotAllowed(REFUSAL)
    return subject


def team_to_view(*, session: Session, viewer: Rep, name: str | None) -> Team:
    """The team named `name`, or without a name the one team the viewer leads, if the viewer may see it."""
    if name is None:
        led = teams_led_by(session, viewer)
        if len(led) != 1:
            raise NotAllowed(
                REFUSAL if not led else lazy_gettext("You lead several teams; name one: `/scorecard team NAME`.")
            )
        return led[0]
    found = find_team(session, name, viewer.workspace_id)
    if found is None or not may_view_team(session, viewer, found):
        raise NotAllowed(REFUSAL)
    return found
