"""Teams of reps, with their leads, channel and own targets."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from coaching.db import rowcount
from coaching.definition import ScorecardDefinition
from coaching.i18n import LANGUAGES, SOURCE_LANGUAGE, Language, lazy_gettext
from coaching.models import Rep, Team, TeamMember, TeamTarget
from coaching.preferences import chosen_language, parse_language
from coaching.refusals import Refusal

MAX_TEAM_NAME = 80


class TeamError(Refusal):
    """A team request that cannot be carried out; the message says why."""


def create_team(session: Session, workspace_id: str, name: str, channel_id: str | None = None) -> Team:
    if not name or len(name) > MAX_TEAM_NAME:
        raise TeamError(lazy_gettext("A team name has 1 to %(most)s characters.", most=MAX_TEAM_NAME))
    if find_team(session, name, workspace_id):
        raise TeamError(lazy_gettext("There is already a team named %(team)s.", team=name))
    team = Team(workspace_id=workspace_id, name=name, channel_id=channel_id)
    session.add(team)
    session.flush()
    return team


def add_member(session: Session, team: Team, rep: Rep, is_lead: bool = False) -> bool:
    """Adds the rep (or makes them lead); returns True if they were not in the team before."""
    member = session.get(TeamMember, (team.id, rep.id))
    if member is None:
        session.add(TeamMember(team_id=team.id, rep_id=rep.id, is_lead=is_lead))
        session.flush()
        return True
    member.is_lead = member.is_lead or is_lead
    return False


def remove_member(session: Session, team: Team, rep: Rep) -> bool:
    result = session.execute(delete(TeamMember).where(TeamMember.team_id == team.id, TeamMember.rep_id == rep.id))
    return bool(rowcount(result))


def find_team(session: Session, name: str, workspace_id: str) -> Team | None:
    """A name is unique only within a workspace, so it is always looked up in one."""
    return session.scalars(select(Team).where(Team.name == name, Team.workspace_id == workspace_id)).first()


def teams_named(session: Session, name: str) -> list[Team]:
    """Every workspace's team of that name, by workspace."""
    return list(session.scalars(select(Team).where(Team.name == name).order_by(Team.workspace_id)))


def list_teams(session: Session, workspace_id: str) -> list[tuple[Team, list[Rep], list[Rep]]]:
    """Each team with its leads and its members."""
    teams = list(session.scalars(select(Team).where(Team.workspace_id == workspace_id).order_by(Team.name)))
    result = []
    for team in teams:
        rows = session.execute(
            select(Rep, TeamMember.is_lead)
            .join(TeamMember, TeamMember.rep_id == Rep.id)
            .where(TeamMember.team_id == team.id)
            .order_by(Rep.user_id)
        ).all()
        result.append((team, [rep for rep, lead in rows if lead], [rep for rep, lead in rows if not lead]))
    return result


def reps_of(session: Session, team: Team, leads: bool) -> list[Rep]:
    query = (
        select(Rep)
        .join(TeamMember, TeamMember.rep_id == Rep.id)
        .where(TeamMember.team_id == team.id, TeamMember.is_lead == leads)
    )
    return list(session.scalars(query.order_by(Rep.user_id)))


def teams_led_by(session: Session, rep: Rep) -> list[Team]:
    query = select(Team).join(TeamMember).where(TeamMember.rep_id == rep.id, TeamMember.is_lead).order_by(Team.name)
    return list(session.scalars(query))


def team_of(session: Session, rep: Rep) -> Team | None:
    """The rep's team for targets and recognition: the first they joined (lowest id)."""
    query = select(Team).join(TeamMember).where(TeamMember.rep_id == rep.id).order_by(Team.id)
    return session.scalars(query.limit(1)).first()


def shared_team(session: Session, rep: Rep, other: Rep) -> Team | None:
    """The first team (lowest id) that both reps belong to."""
    mine = select(TeamMember.team_id).where(TeamMember.rep_id == rep.id)
    query = select(Team).join(TeamMember).where(TeamMember.rep_id == other.id, TeamMember.team_id.in_(mine))
    return session.scalars(query.order_by(Team.id).limit(1)).first()


def team_language(session: Session, team: Team) -> Language:
    """The language of the team channel's posts: the one set with `/coach team lang`, else the language of most of
    its members (leads included), English on a tie."""
    if team.language in LANGUAGES:
        return team.language
    query = select(Rep.language, Rep.locale).join(TeamMember).where(TeamMember.team_id == team.id)
    spoken = Counter(chosen_language(chosen, locale) for chosen, locale in session.execute(query))
    most = max(spoken.values(), default=0)
    if spoken[SOURCE_LANGUAGE] == most:
        return SOURCE_LANGUAGE
    return next(language for language in LANGUAGES if spoken[language] == most)


def set_team_language(*, team: Team, text: str) -> Language:
    chosen = parse_language(text)
    team.language = chosen
    return chosen


def set_targets(session: Session, team: Team, targets: dict[str, float]) -> None:
    for metric, target in targets.items():
        session.merge(TeamTarget(team_id=team.id, metric=metric, target=target))


def targets_for(session: Session, team: Team | None, definition: ScorecardDefinition) -> dict[str, float]:
    """The default targets, with the team's own overrides."""
    team_id = team.id if team is not None else None
    return targets_by_team(session, {team_id}, definition)[team_id]


def targets_by_team(
    session: Session, team_ids: set[int | None], definition: ScorecardDefinition
) -> defaultdict[int | None, dict[str, float]]:
    """Each team's targets (the defaults for a team with no overrides, and for None: no team)."""
    defaults = definition.default_targets()
    targets: defaultdict[int | None, dict[str, float]] = defaultdict(lambda: dict(defaults))
    known = [team_id for team_id in team_ids if team_id is not None]
    query = select(TeamTarget.team_id, TeamTarget.metric, TeamTarget.target).where(TeamTarget.team_id.in_(known))
    for team_id, metric, target in session.execute(query):
        if metric in defaults:
            targets[team_id][metric] = target
    return targets


def parse_targets(words: list[str], definition: ScorecardDefinition) -> dict[str, float]:
    """`fcr_rate=75%` or `csat=4.6` pairs; rates may be written as percentages or fractions."""
    if not words:
        raise TeamError(lazy_gettext("Give at least one target, like `fcr_rate=75%% csat=4.6`."))
    by_key = definition.by_key()
    targets = {}
    for word in words:
        key, _, raw = word.partition("=")
        metric = by_key.get(key.lower())
        if metric is None:
            raise TeamError(
                lazy_gettext(
                    "`%(given)s` is not a scorecard metric; use one of %(keys)s.",
                    given=key[:30],
                    keys=", ".join(by_key),
                )
            )
        text = raw.strip().rstrip("%").replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            raise TeamError(
                lazy_gettext("`%(given)s` needs a number, like `%(key)s=80%%`.", given=word[:40], key=metric.key)
            ) from None
        if metric.kind == "rate" and (raw.strip().endswith("%") or value > 1):
            value /= 100
        limit = 1 if metric.kind == "rate" else (5 if metric.key == "csat" else 240)
        if not 0 < value <= limit or (metric.key == "csat" and value < 1):
            raise TeamError(
                lazy_gettext("A target for `%(key)s` of %(given)s is not plausible.", key=metric.key, given=raw)
            )
        targets[metric.key] = value
    return targets
