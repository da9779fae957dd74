"""Teams of reps, with their leads."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from coaching.models import Rep, Team, TeamMember


def create_team(session: Session, workspace_id: str, name: str, channel_id: str | None = None) -> Team:
    team = Team(workspace_id=workspace_id, name=name, channel_id=channel_id)
    session.add(team)
    session.flush()
    return team


def add_member(session: Session, team: Team, rep: Rep, is_lead: bool = False) -> None:
    session.merge(TeamMember(team_id=team.id, rep_id=rep.id, is_lead=is_lead))
    session.flush()


def find_team(session: Session, name: str, workspace_id: str | None = None) -> Team | None:
    query = select(Team).where(Team.name == name)
    if workspace_id is not None:
        query = query.where(Team.workspace_id == workspace_id)
    return session.scalars(query).first()


def teams_led_by(session: Session, rep: Rep) -> list[Team]:
    query = select(Team).join(TeamMember).where(TeamMember.rep_id == rep.id, TeamMember.is_lead).order_by(Team.name)
    return list(session.scalars(query))
