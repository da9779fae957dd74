"""What a person's Home tab shows, read in one call: their week, streak, latest tips, settings and led teams.

`home_page` only reads; bot.blocks.home turns the page into Block Kit, so the view is built without a session.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from coaching import preferences
from coaching.cycle import PRACTICE_KINDS, practice_worked_on
from coaching.db import among
from coaching.definition import MetricDefinition, ScorecardDefinition
from coaching.helpdesk.given import NOTHING_GIVEN, GivenFigures, given_figures
from coaching.library import Language, Library, PracticeText
from coaching.models import Nudge, Rep, Team
from coaching.periods import Period, current_period
from coaching.reps import local_today
from coaching.scorecard import Scorecard, build_scorecard, figures_by_rep, rep_scope
from coaching.scoring import balanced_score
from coaching.streaks import logged_streak
from coaching.teams import reps_of, targets_for, team_of, teams_led_by

RECENT_TIPS = 3


@dataclass(frozen=True)
class RecentTip:
    nudge_id: int
    day: date
    text: PracticeText
    # None until the rep answers; then the buttons give way to what they said.
    feedback: str | None


@dataclass(frozen=True)
class WeekFocus:
    """The coaching cycle's focus this week and the practice the rep is working on."""

    metric: MetricDefinition
    value: float | None
    target: float
    practice: PracticeText | None
    feedback: str | None


@dataclass(frozen=True)
class TeamRow:
    user_id: str
    # None when the rep logged nothing this week.
    days: int | None
    score: float | None


@dataclass(frozen=True)
class TeamWeek:
    name: str
    rows: tuple[TeamRow, ...]


@dataclass(frozen=True)
class HomeSettings:
    nudge_time: time
    # None until Slack's profile has been read; shown as it is.
    tz: str | None
    work_days: tuple[int, ...]
    language: Language
    paused: bool


@dataclass(frozen=True)
class HomePage:
    scorecard: Scorecard
    # Logged days in a row (coaching.streaks); the page invites a first log at 0.
    streak: int
    focus: WeekFocus | None
    tips: tuple[RecentTip, ...]
    settings: HomeSettings
    teams: tuple[TeamWeek, ...]
    # What the rep's helpdesk gives them, which the page's example `/log` leaves out.
    given: GivenFigures = NOTHING_GIVEN


def home_page(
    *, session: Session, rep: Rep, now: datetime, definition: ScorecardDefinition, library: Library
) -> HomePage:
    today = local_today(rep, now)
    week = current_period("week", today)
    targets = targets_for(session, team_of(session, rep), definition)
    settings = HomeSettings(
        nudge_time=preferences.nudge_time(rep),
        tz=rep.tz,
        work_days=preferences.work_days(rep),
        language=preferences.language(rep),
        paused=preferences.is_paused(rep, today),
    )
    return HomePage(
        scorecard=build_scorecard(session, rep_scope(rep.id), week, definition, targets),
        streak=logged_streak(session, rep, today),
        focus=_week_focus(session, rep, week, definition, targets, library, settings.language),
        tips=_recent_tips(session, rep, library, settings.language),
        settings=settings,
        teams=tuple(_team_week(session, team, week, definition) for team in teams_led_by(session, rep)),
        given=given_figures(session, rep_id=rep.id),
    )


def _week_focus(
    session: Session,
    rep: Rep,
    week: Period,
    definition: ScorecardDefinition,
    targets: Mapping[str, float],
    library: Library,
    language: Language,
) -> WeekFocus | None:
    """The practice the rep is working on this week, with the focus metric it was chosen for."""
    query = (
        select(Nudge)
        .where(Nudge.rep_id == rep.id, Nudge.local_date.between(week.start, week.end), Nudge.metric.is_not(None))
        .order_by(Nudge.local_date, Nudge.id)
    )
    latest = practice_worked_on(session.scalars(query))
    metric = definition.by_key().get(latest.metric or "") if latest else None
    if latest is None or metric is None:
        return None
    practice = library.by_id().get(latest.practice_id or "")
    return WeekFocus(
        metric, latest.focus_value, targets[metric.key], practice.text(language) if practice else None, latest.feedback
    )


def _recent_tips(session: Session, rep: Rep, library: Library, language: Language) -> tuple[RecentTip, ...]:
    query = (
        select(Nudge)
        .where(Nudge.rep_id == rep.id, Nudge.practice_id.is_not(None), among(Nudge.kind, PRACTICE_KINDS))
        .order_by(Nudge.local_date.desc(), Nudge.id.desc())
        .limit(RECENT_TIPS)
    )
    practices = library.by_id()
    return tuple(
        RecentTip(nudge.id, nudge.local_date, practice.text(language), nudge.feedback)
        for nudge in session.scalars(query)
        # A practice retired from the library since is left out.
        if nudge.practice_id is not None and (practice := practices.get(nudge.practice_id)) is not None
    )


def _team_week(session: Session, team: Team, week: Period, definition: ScorecardDefinition) -> TeamWeek:
    reps = reps_of(session, team, leads=False)
    targets = targets_for(session, team, definition)
    figures = figures_by_rep(session, [rep.id for rep in reps], week.start, week.end, definition)
    rows = []
    for member in reps:
        found = figures.get(member.id)
        if found is None:
            rows.append(TeamRow(member.user_id, None, None))
            continue
        rows.append(TeamRow(member.user_id, found.days, balanced_score(found.values, definition, targets).value))
    return TeamWeek(team.name, tuple(rows))
