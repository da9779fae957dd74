"""Who gets a scheduled nudge at an instant, and which one: at most one a day per rep, at their local time.

The queries live here; the due-time rules they feed (local wall clock, daylight saving, days off) are
in `coaching.due`.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, exists, func, literal, select
from sqlalchemy.orm import Session

from coaching.db import among, insert_new
from coaching.definition import ScorecardDefinition
from coaching.due import days_within, delivery_key, due_date, local_now
from coaching.library import Language, Library
from coaching.models import DayLog, Nudge, Rep, TeamHoliday, TeamMember, TimeOff
from coaching.nudges import History, NudgeChoice, Votes, choose_nudge
from coaching.preferences import language
from coaching.scorecard import Figures, figures_by_rep
from coaching.teams import targets_by_team

FIGURES_WINDOW_DAYS = 14
RECENT_PRACTICE_DAYS = 28
# How far back a team's feedback steers the choice. Thompson sampling on all-time counts grows so sure of
# last year's favourites that the team's current taste (new people, a new lead, a rewritten practice) barely
# moves it, and reading every vote ever made each sweep slower as the history grew. Two quarters give a
# team of twelve answering one nudge in five some 250 answers to learn from; older feedback is stale.
VOTES_WINDOW_DAYS = 180
# Written into the SQL rather than bound, so SQLite's planner sees they match its partial indexes.
NOT_FOR_ME = literal("not_for_me", literal_execute=True)
VOTES = ("helpful", "not_for_me")


@dataclass(frozen=True)
class PlannedNudge:
    nudge_id: int
    rep: Rep
    choice: NudgeChoice
    language: Language
    local_date: date
    delivery_key: str | None = None


def days_off(session: Session, reps: list[Rep], around: date) -> dict[int, set[date]]:
    """Each rep's time off and team holidays within a day of `around` (local dates differ by at most one)."""
    first, last = around - timedelta(days=1), around + timedelta(days=1)
    result: dict[int, set[date]] = defaultdict(set)
    rep_ids = [rep.id for rep in reps]
    away = select(TimeOff).where(among(TimeOff.rep_id, rep_ids), TimeOff.first_day <= last, TimeOff.last_day >= first)
    for span in session.scalars(away):
        result[span.rep_id].update(days_within(span.first_day, span.last_day, first=first, last=last))
    holidays = (
        select(TeamMember.rep_id, TeamHoliday.day)
        .join(TeamHoliday, TeamHoliday.team_id == TeamMember.team_id)
        .where(among(TeamMember.rep_id, rep_ids), TeamHoliday.day.between(first, last))
    )
    for rep_id, day in session.execute(holidays):
        result[rep_id].add(day)
    return result


def plan_due_nudges(
    session: Session, at: datetime, library: Library, definition: ScorecardDefinition, seed: str, reps: list[Rep]
) -> list[PlannedNudge]:
    """Chooses and records the nudges due at `at` among `reps`; the caller commits, then sends them."""
    off = days_off(session, reps, at.date())
    due = [(rep, day) for rep in reps if (day := due_date(rep, at, off[rep.id]))]
    taken = set(
        session.scalars(
            select(Nudge.delivery_key).where(among(Nudge.delivery_key, [delivery_key(rep, day) for rep, day in due]))
        )
    )
    due = [(rep, day) for rep, day in due if delivery_key(rep, day) not in taken]
    due = _without_leads_who_do_not_log(session, due)
    if not due:
        return []
    choices = _choose(session, due, library, definition, seed)
    rows = [
        {
            "rep_id": rep.id,
            "kind": choice.kind,
            "practice_id": choice.practice.id if choice.practice else None,
            "metric": choice.focus.metric.key if choice.focus else None,
            "language": lang,
            "local_date": day,
            "delivery_key": delivery_key(rep, day),
            "created_at": at,
        }
        for rep, day, choice, lang in choices
    ]
    ids = insert_new(session, Nudge, rows, "delivery_key")
    return [
        PlannedNudge(ids[delivery_key(rep, day)], rep, choice, lang, day, delivery_key(rep, day))
        for rep, day, choice, lang in choices
        if delivery_key(rep, day) in ids
    ]


def _without_leads_who_do_not_log(session: Session, due: list[tuple[Rep, date]]) -> list[tuple[Rep, date]]:
    """Leads are coached like reps only if they log days themselves; otherwise they would get a daily
    reminder to log that is not meant for them."""
    if not due:
        return due
    leads = set(
        session.scalars(
            select(TeamMember.rep_id).where(TeamMember.is_lead, among(TeamMember.rep_id, [rep.id for rep, _ in due]))
        )
    )
    if not leads:
        return due
    since = min(day for _, day in due) - timedelta(days=FIGURES_WINDOW_DAYS)
    logging = set(
        session.scalars(select(DayLog.rep_id).where(among(DayLog.rep_id, leads), DayLog.day >= since).distinct())
    )
    return [(rep, day) for rep, day in due if rep.id not in leads or rep.id in logging]


def plan_tip(
    session: Session, rep: Rep, at: datetime, library: Library, definition: ScorecardDefinition, seed: str
) -> PlannedNudge:
    """A nudge on demand: chosen like a scheduled one, but outside the one-a-day rule."""
    day = local_now(rep, at).date()
    given_today = session.scalar(select(func.count(Nudge.id)).where(Nudge.rep_id == rep.id, Nudge.local_date == day))
    [(_, _, choice, lang)] = _choose(session, [(rep, day)], library, definition, f"{seed}:tip{given_today}")
    nudge = Nudge(
        rep_id=rep.id,
        kind=choice.kind,
        practice_id=choice.practice.id if choice.practice else None,
        metric=choice.focus.metric.key if choice.focus else None,
        language=lang,
        local_date=day,
        created_at=at,
    )
    session.add(nudge)
    session.flush()
    return PlannedNudge(nudge.id, rep, choice, lang, day)


def _choose(
    session: Session, due: list[tuple[Rep, date]], library: Library, definition: ScorecardDefinition, seed: str
) -> list[tuple[Rep, date, NudgeChoice, Language]]:
    figures = _recent_figures(session, due, definition)
    histories = _histories(session, due)
    team_of = _team_of(session, [rep.id for rep, _ in due])
    since = min(day for _, day in due) - timedelta(days=VOTES_WINDOW_DAYS)
    votes = team_votes(session, {team_of.get(rep.id) for rep, _ in due}, since)
    targets = targets_by_team(session, set(team_of.values()), definition)
    choices = []
    for rep, day in due:
        # Seeded per rep and day: the same inputs always give the same nudge, so tests can assert it.
        rng = random.Random(f"{seed}:{rep.workspace_id}:{rep.user_id}:{day.isoformat()}")
        rep_figures = figures.get((rep.id, day), Figures(0, {}))
        choice = choose_nudge(
            rep_figures.days,
            rep_figures.values,
            library,
            definition,
            targets[team_of.get(rep.id)],
            histories.get(rep.id, History()),
            votes.get(team_of.get(rep.id), {}),
            rng,
        )
        choices.append((rep, day, choice, language(rep)))
    return choices


def _recent_figures(session: Session, due: list[tuple[Rep, date]], definition: ScorecardDefinition):
    by_day: dict[date, list[int]] = defaultdict(list)
    for rep, day in due:
        by_day[day].append(rep.id)
    figures: dict[tuple[int, date], Figures] = {}
    for day, rep_ids in by_day.items():
        first, last = day - timedelta(days=FIGURES_WINDOW_DAYS), day - timedelta(days=1)
        for rep_id, rep_figures in figures_by_rep(session, rep_ids, first, last, definition).items():
            figures[(rep_id, day)] = rep_figures
    return figures


def _histories(session: Session, due: list[tuple[Rep, date]]) -> dict[int, History]:
    """Two bounded reads: practices given in the last four weeks, and the few marked Not for me.
    Reading every nudge a rep ever had made each sweep slower as the history grew."""
    since = min(day for _, day in due) - timedelta(days=RECENT_PRACTICE_DAYS)
    rep_ids = [rep.id for rep, _ in due]
    recent: dict[int, set[str]] = defaultdict(set)
    rejected: dict[int, set[str]] = defaultdict(set)
    for rep_id, practice_id in session.execute(
        select(Nudge.rep_id, Nudge.practice_id).where(
            among(Nudge.rep_id, rep_ids), Nudge.practice_id.is_not(None), Nudge.local_date >= since
        )
    ):
        recent[rep_id].add(practice_id)
    for rep_id, practice_id in session.execute(
        select(Nudge.rep_id, Nudge.practice_id)
        .where(among(Nudge.rep_id, rep_ids), Nudge.feedback == NOT_FOR_ME)
        .distinct()
    ):
        rejected[rep_id].add(practice_id)
    return {rep_id: History(frozenset(recent[rep_id]), frozenset(rejected[rep_id])) for rep_id in recent | rejected}


def _team_of(session: Session, rep_ids: list[int]) -> dict[int, int]:
    query = select(TeamMember.rep_id, func.min(TeamMember.team_id)).where(among(TeamMember.rep_id, rep_ids))
    return dict(session.execute(query.group_by(TeamMember.rep_id)).all())


def team_votes(session: Session, teams: Collection[int | None], since: date) -> dict[int | None, dict[str, Votes]]:
    """Feedback on each practice given since `since` (by the nudge's date), pooled per team, for `teams`.

    A rep counts towards their first team (the lowest id), as in `_team_of`; reps in no team pool together
    under None. Only the teams asked for are read, so a sweep with a few reps due reads a few teams' votes.
    """
    votes: dict[int | None, dict[str, Votes]] = defaultdict(dict)
    helpful = func.sum(case((Nudge.feedback == "helpful", 1), else_=0))
    not_for_me = func.sum(case((Nudge.feedback == "not_for_me", 1), else_=0))
    answered = (among(Nudge.feedback, VOTES), Nudge.local_date >= since)
    team_ids = [team_id for team_id in teams if team_id is not None]
    if team_ids:
        members = select(TeamMember.rep_id).where(among(TeamMember.team_id, team_ids))
        team = (
            select(TeamMember.rep_id, func.min(TeamMember.team_id).label("team_id"))
            .where(TeamMember.rep_id.in_(members))
            .group_by(TeamMember.rep_id)
            .subquery()
        )
        query = (
            select(team.c.team_id, Nudge.practice_id, helpful, not_for_me)
            .join(team, team.c.rep_id == Nudge.rep_id)
            .where(among(team.c.team_id, team_ids), *answered)
            .group_by(team.c.team_id, Nudge.practice_id)
        )
        for team_id, practice_id, helpful_count, not_for_me_count in session.execute(query):
            votes[team_id][practice_id] = Votes(int(helpful_count), int(not_for_me_count))
    if None in teams:
        teamless = select(Rep.id).where(~exists().where(TeamMember.rep_id == Rep.id))
        query = (
            select(Nudge.practice_id, helpful, not_for_me)
            .where(Nudge.rep_id.in_(teamless), *answered)
            .group_by(Nudge.practice_id)
        )
        for practice_id, helpful_count, not_for_me_count in session.execute(query):
            votes[None][practice_id] = Votes(int(helpful_count), int(not_for_me_count))
    return votes
