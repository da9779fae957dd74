"""Who gets a scheduled coaching message at an instant, and which one: at most one a day per rep, at their local
time, following their cadence's weekly cycle.

The queries live here; the rules they feed are pure and live apart: due times (local wall clock, daylight saving,
days off) in `coaching.due`, the weekly cycle's steps in `coaching.cycle`, the choice in `coaching.nudges`.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, exists, func, literal, select
from sqlalchemy.orm import Session

from coaching.cycle import Step, practice_worked_on, step_due, week_of
from coaching.db import among, insert_new
from coaching.definition import ScorecardDefinition
from coaching.due import days_within, delivery_key, due_date, local_now
from coaching.evidence import EMPTY
from coaching.library import Language, Library
from coaching.models import DayLog, Nudge, Rep, Team, TeamHoliday, TeamMember, TimeOff
from coaching.nudges import (
    HELPFUL_ANSWERS,
    UNSENT_KINDS,
    VOTES_AGAINST,
    VOTES_FOR,
    Focus,
    Given,
    History,
    NudgeChoice,
    Votes,
    choose_nudge,
)
from coaching.preferences import cadence, language, work_days
from coaching.scorecard import Figures, figures_by_rep
from coaching.teams import targets_by_team

# Four weeks of figures aim the coaching: two weeks held about ten logged days and a handful of complaints.
FIGURES_WINDOW_DAYS = 28
# Reviews of a helpful practice come back at 21, 42, 84, 168 days: a year of history covers them all.
HISTORY_DAYS = 365
# Kinds that belong to a week's start; the follow-up and the wrap-up are the cycle's other two steps.
CYCLE_STEPS = ("follow_up", "wrap_up")
# How far back a team's feedback steers the choice. Thompson sampling on all-time counts grows so sure of
# last year's favourites that the team's current taste (new people, a new lead, a rewritten practice) barely
# moves it, and reading every vote ever made each sweep slower as the history grew. Two quarters give a
# team of twelve answering one nudge in five some 250 answers to learn from; older feedback is stale.
VOTES_WINDOW_DAYS = 180
# Written into the SQL rather than bound, so SQLite's planner sees they match its partial indexes.
NOT_FOR_ME = literal("not_for_me", literal_execute=True)
# How much a team borrows from the other teams of its workspace: half of their answers count as its own.
WORKSPACE_WEIGHT = 0.5


@dataclass(frozen=True)
class PlannedNudge:
    nudge_id: int
    rep: Rep
    choice: NudgeChoice
    language: Language
    local_date: date
    delivery_key: str | None = None


def days_off(session: Session, reps: list[Rep], first: date, last: date) -> dict[int, set[date]]:
    """Each rep's time off and team holidays from `first` to `last`."""
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
    session: Session,
    at: datetime,
    library: Library,
    definition: ScorecardDefinition,
    seed: str,
    reps: list[Rep],
    *,
    holdout_share: float = 0.0,
) -> list[PlannedNudge]:
    """Chooses and records the coaching messages due at `at` among `reps`; the caller commits, then sends them.

    A rep with nothing due today in their cycle gets nothing. A start with nothing fresh to offer is recorded as
    "rest", and a start drawn for the hold-out as "held_out"; neither is sent, and the week goes on from them.
    """
    # Local dates differ from UTC's by at most a day; the rest of the week tells when the week's last working day is.
    off = days_off(session, reps, at.date() - timedelta(days=1), at.date() + timedelta(days=8))
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
    weeks = _weeks(session, due)
    steps: dict[int, Step] = {}
    for rep, day in due:
        step = step_due(
            cadence=cadence(rep),
            today=day,
            work_days=work_days(rep),
            days_off=off[rep.id],
            sent_this_week=weeks[rep.id].sent,
        )
        if step is not None:
            steps[rep.id] = step
    starts = [(rep, day) for rep, day in due if steps.get(rep.id) == "start"]
    choices = _choose(session, starts, library, definition, seed) if starts else []
    choices = [
        (rep, day, _held_out(choice) if _in_holdout(seed, rep, day, holdout_share) else choice, lang)
        for rep, day, choice, lang in choices
    ]
    choices += _follow_ups([(rep, day) for rep, day in due if steps.get(rep.id) == "follow_up"], weeks, library)
    choices += _wrap_ups(session, [(rep, day) for rep, day in due if steps.get(rep.id) == "wrap_up"], weeks, definition)
    rows = [
        {
            "rep_id": rep.id,
            "kind": choice.kind,
            "practice_id": choice.practice.id if choice.practice else None,
            "metric": choice.focus.metric.key if choice.focus else None,
            "focus_value": choice.focus.value if choice.focus else None,
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


def _in_holdout(seed: str, rep: Rep, day: date, share: float) -> bool:
    """Drawn per rep and day from the seed, so a rerun draws the same and nobody can steer it."""
    return share > 0 and random.Random(f"{seed}:holdout:{rep.workspace_id}:{rep.user_id}:{day}").random() < share


def _held_out(choice: NudgeChoice) -> NudgeChoice:
    """A practice start kept back: the focus it would have had is recorded, so effects can be measured against it."""
    if choice.kind not in ("practice", "review"):
        return choice
    return NudgeChoice("held_out", focus=choice.focus, days=choice.days)


@dataclass(frozen=True)
class CycleWeek:
    """What a rep's week so far holds: the day each step went out, and the practice they are working on."""

    sent: dict[Step, date]
    practice: Nudge | None = None
    start: Nudge | None = None


def _weeks(session: Session, due: list[tuple[Rep, date]]) -> dict[int, CycleWeek]:
    first = min(week_of(day)[0] for _, day in due)
    rows = session.scalars(
        select(Nudge)
        .where(among(Nudge.rep_id, [rep.id for rep, _ in due]), Nudge.local_date >= first)
        .order_by(Nudge.id)
    ).all()
    by_rep: dict[int, list[Nudge]] = defaultdict(list)
    for row in rows:
        by_rep[row.rep_id].append(row)
    weeks: dict[int, CycleWeek] = {}
    for rep, day in due:
        monday, sunday = week_of(day)
        this_week = [row for row in by_rep[rep.id] if monday <= row.local_date <= sunday]
        sent: dict[Step, date] = {}
        start = None
        for row in this_week:
            if row.delivery_key is None:
                continue
            step: Step = row.kind if row.kind in CYCLE_STEPS else "start"  # type: ignore[assignment]
            sent.setdefault(step, row.local_date)
            if step == "start" and start is None:
                start = row
        weeks[rep.id] = CycleWeek(sent, practice_worked_on(this_week), start)
    return weeks


def _follow_ups(
    due: list[tuple[Rep, date]], weeks: dict[int, CycleWeek], library: Library
) -> list[tuple[Rep, date, NudgeChoice, Language]]:
    """A follow-up on the week's practice; a week whose start had no practice has none."""
    by_id = library.by_id()
    choices = []
    for rep, day in due:
        working_on = weeks[rep.id].practice
        practice = by_id.get(working_on.practice_id or "") if working_on else None
        if practice is not None:
            choices.append((rep, day, NudgeChoice("follow_up", practice), language(rep)))
    return choices


def _wrap_ups(
    session: Session, due: list[tuple[Rep, date]], weeks: dict[int, CycleWeek], definition: ScorecardDefinition
) -> list[tuple[Rep, date, NudgeChoice, Language]]:
    """How the week's focus moved: its figure this week so far against the one that chose it."""
    started = [
        (rep, day, start)
        for rep, day in due
        if (start := weeks[rep.id].start) is not None and start.metric and start.kind not in UNSENT_KINDS
    ]
    if not started:
        return []
    team_of = _team_of(session, [rep.id for rep, _, _ in started])
    targets = targets_by_team(session, set(team_of.values()), definition)
    weeks_so_far = _figures_by_day(session, [(rep, day) for rep, day, _ in started], definition, _week_so_far)
    by_key = definition.by_key()
    choices = []
    for rep, day, start in started:
        metric = by_key.get(start.metric or "")
        if metric is None:
            continue
        week = weeks_so_far.get((rep.id, day))
        sample = week.samples.get(metric.key, EMPTY) if week else EMPTY
        target = targets[team_of.get(rep.id)][metric.key]
        now = sample.value if sample.value is not None else start.focus_value or 0.0
        focus = Focus(metric, now, target, days=sample.days)
        choices.append((rep, day, NudgeChoice("wrap_up", focus=focus, before=start.focus_value), language(rep)))
    return choices


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
    return _plan_extra(session, rep, day, at, library, definition, f"{seed}:tip{_given_on(session, rep, day)}")


def plan_another(
    *, session: Session, nudge: Nudge, at: datetime, library: Library, definition: ScorecardDefinition, seed: str
) -> PlannedNudge | None:
    """Another practice for the same focus, when a rep asks for one; None when that focus has nothing fresh left."""
    rep = nudge.rep
    day = local_now(rep, at).date()
    seed = f"{seed}:another{_given_on(session, rep, day)}"
    planned = _plan_extra(session, rep, day, at, library, definition, seed, keep_focus=nudge.metric)
    if planned.choice.kind not in ("practice", "review"):
        return None
    return planned


def _given_on(session: Session, rep: Rep, day: date) -> int:
    return session.scalar(select(func.count(Nudge.id)).where(Nudge.rep_id == rep.id, Nudge.local_date == day)) or 0


def _plan_extra(
    session: Session,
    rep: Rep,
    day: date,
    at: datetime,
    library: Library,
    definition: ScorecardDefinition,
    seed: str,
    keep_focus: str | None = None,
) -> PlannedNudge:
    [(_, _, choice, lang)] = _choose(session, [(rep, day)], library, definition, seed, {rep.id: keep_focus})
    nudge = Nudge(
        rep_id=rep.id,
        kind=choice.kind,
        practice_id=choice.practice.id if choice.practice else None,
        metric=choice.focus.metric.key if choice.focus else None,
        focus_value=choice.focus.value if choice.focus else None,
        language=lang,
        local_date=day,
        created_at=at,
    )
    session.add(nudge)
    session.flush()
    return PlannedNudge(nudge.id, rep, choice, lang, day)


def _choose(
    session: Session,
    due: list[tuple[Rep, date]],
    library: Library,
    definition: ScorecardDefinition,
    seed: str,
    keep_focus: dict[int, str | None] | None = None,
) -> list[tuple[Rep, date, NudgeChoice, Language]]:
    figures = _recent_figures(session, due, definition)
    histories = _histories(session, due)
    team_of = _team_of(session, [rep.id for rep, _ in due])
    since = min(day for _, day in due) - timedelta(days=VOTES_WINDOW_DAYS)
    votes = pooled_votes(session, {team_of.get(rep.id) for rep, _ in due}, since)
    targets = targets_by_team(session, set(team_of.values()), definition)
    choices = []
    for rep, day in due:
        # Seeded per rep and day: the same inputs always give the same nudge, so tests can assert it.
        rng = random.Random(f"{seed}:{rep.workspace_id}:{rep.user_id}:{day.isoformat()}")
        rep_figures = figures.get((rep.id, day), Figures(0, {}))
        choice = choose_nudge(
            days_logged=rep_figures.days,
            samples=rep_figures.samples,
            library=library,
            definition=definition,
            targets=targets[team_of.get(rep.id)],
            history=histories.get(rep.id, History()),
            votes=votes.get(team_of.get(rep.id), {}),
            rng=rng,
            today=day,
            keep_focus=(keep_focus or {}).get(rep.id),
        )
        choices.append((rep, day, choice, language(rep)))
    return choices


def _recent_figures(
    session: Session, due: list[tuple[Rep, date]], definition: ScorecardDefinition
) -> dict[tuple[int, date], Figures]:
    return _figures_by_day(session, due, definition, _recent_window)


def _recent_window(day: date) -> tuple[date, date]:
    return day - timedelta(days=FIGURES_WINDOW_DAYS), day - timedelta(days=1)


def _week_so_far(day: date) -> tuple[date, date]:
    return week_of(day)[0], day - timedelta(days=1)


def _figures_by_day(
    session: Session,
    due: list[tuple[Rep, date]],
    definition: ScorecardDefinition,
    span: Callable[[date], tuple[date, date]],
) -> dict[tuple[int, date], Figures]:
    """Each due rep's figures over `span` of their day, in one grouped query per distinct day."""
    by_day: dict[date, list[int]] = defaultdict(list)
    for rep, day in due:
        by_day[day].append(rep.id)
    figures: dict[tuple[int, date], Figures] = {}
    for day, rep_ids in by_day.items():
        first, last = span(day)
        for rep_id, rep_figures in figures_by_rep(session, rep_ids, first, last, definition).items():
            figures[(rep_id, day)] = rep_figures
    return figures


def _histories(session: Session, due: list[tuple[Rep, date]]) -> dict[int, History]:
    """Three bounded reads: each practice's last day and count over a year, the ones found helpful, and the few
    marked Not for me. Follow-ups and wrap-ups are about a practice already given, so they are not sends."""
    since = min(day for _, day in due) - timedelta(days=HISTORY_DAYS)
    rep_ids = [rep.id for rep, _ in due]
    given: dict[int, dict[str, Given]] = defaultdict(dict)
    helpful: dict[int, set[str]] = defaultdict(set)
    rejected: dict[int, set[str]] = defaultdict(set)
    sends = (
        select(Nudge.rep_id, Nudge.practice_id, func.max(Nudge.local_date), func.count(Nudge.id))
        .where(
            among(Nudge.rep_id, rep_ids),
            Nudge.practice_id.is_not(None),
            Nudge.local_date >= since,
            Nudge.kind.not_in(CYCLE_STEPS),
        )
        .group_by(Nudge.rep_id, Nudge.practice_id)
    )
    for rep_id, practice_id, last, times in session.execute(sends):
        given[rep_id][str(practice_id)] = Given(last, int(times))
    for rep_id, practice_id in session.execute(
        select(Nudge.rep_id, Nudge.practice_id)
        .where(among(Nudge.rep_id, rep_ids), among(Nudge.feedback, HELPFUL_ANSWERS), Nudge.local_date >= since)
        .distinct()
    ):
        helpful[rep_id].add(str(practice_id))
    for rep_id, practice_id in session.execute(
        select(Nudge.rep_id, Nudge.practice_id)
        .where(among(Nudge.rep_id, rep_ids), Nudge.feedback == NOT_FOR_ME)
        .distinct()
    ):
        rejected[rep_id].add(str(practice_id))
    return {
        rep_id: History(given[rep_id], frozenset(helpful[rep_id]), frozenset(rejected[rep_id]))
        for rep_id in given.keys() | rejected.keys()
    }


def _team_of(session: Session, rep_ids: list[int]) -> dict[int, int]:
    query = select(TeamMember.rep_id, func.min(TeamMember.team_id)).where(among(TeamMember.rep_id, rep_ids))
    return dict(session.execute(query.group_by(TeamMember.rep_id)).all())


def pooled_votes(session: Session, teams: Collection[int | None], since: date) -> dict[int | None, dict[str, Votes]]:
    """Each team's votes plus WORKSPACE_WEIGHT of the other teams' in its workspace, never another workspace's.

    A team of ten answers each of ninety practices a handful of times a quarter; what the rest of the company found
    is evidence too, if less about this team's own customers and habits.
    """
    own = team_votes(session, teams, since)
    team_ids = [team_id for team_id in teams if team_id is not None]
    if not team_ids:
        return own
    workspace_of = dict(session.execute(select(Team.id, Team.workspace_id).where(among(Team.id, team_ids))).all())
    siblings = dict(
        session.execute(
            select(Team.id, Team.workspace_id).where(among(Team.workspace_id, set(workspace_of.values())))
        ).all()
    )
    others = team_votes(session, set(siblings) - set(team_ids), since) if len(siblings) > len(team_ids) else {}
    totals: dict[str, dict[str, tuple[float, float]]] = defaultdict(dict)
    for team_id, per_practice in [*own.items(), *others.items()]:
        if team_id is None:
            continue
        total = totals[siblings[team_id]]
        for practice_id, vote in per_practice.items():
            helpful, not_helpful = total.get(practice_id, (0.0, 0.0))
            total[practice_id] = (helpful + vote.helpful, not_helpful + vote.not_helpful)
    pooled: dict[int | None, dict[str, Votes]] = {None: own.get(None, {})} if None in teams else {}
    for team_id in team_ids:
        mine = own.get(team_id, {})
        merged = {}
        for practice_id, (helpful, not_helpful) in totals[workspace_of[team_id]].items():
            kept = mine.get(practice_id, Votes())
            merged[practice_id] = Votes(
                kept.helpful + WORKSPACE_WEIGHT * (helpful - kept.helpful),
                kept.not_helpful + WORKSPACE_WEIGHT * (not_helpful - kept.not_helpful),
            )
        pooled[team_id] = merged
    return pooled


def team_votes(
    session: Session,
    teams: Collection[int | None],
    since: date,
    counted: tuple[tuple[str, ...], tuple[str, ...]] = (VOTES_FOR, VOTES_AGAINST),
) -> dict[int | None, dict[str, Votes]]:
    """Feedback on each practice given since `since` (by the nudge's date), pooled per team, for `teams`: the
    answers in `counted` for it and against it (by default the coaching's votes; HELPFUL_ANSWERS and
    UNHELPFUL_ANSWERS for whether it helped).

    A rep counts towards their first team (the lowest id), as in `_team_of`; reps in no team pool together
    under None. Only the teams asked for are read, so a sweep with a few reps due reads a few teams' votes.
    """
    votes: dict[int | None, dict[str, Votes]] = defaultdict(dict)
    votes_for, votes_against = counted
    helpful = func.sum(case((among(Nudge.feedback, votes_for), 1), else_=0))
    not_helpful = func.sum(case((among(Nudge.feedback, votes_against), 1), else_=0))
    answered = (among(Nudge.feedback, (*votes_for, *votes_against)), Nudge.local_date >= since)
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
            select(team.c.team_id, Nudge.practice_id, helpful, not_helpful)
            .join(team, team.c.rep_id == Nudge.rep_id)
            .where(among(team.c.team_id, team_ids), *answered)
            .group_by(team.c.team_id, Nudge.practice_id)
        )
        for team_id, practice_id, helpful_count, not_helpful_count in session.execute(query):
            votes[team_id][practice_id] = Votes(int(helpful_count), int(not_helpful_count))
    if None in teams:
        teamless = select(Rep.id).where(~exists().where(TeamMember.rep_id == Rep.id))
        query = (
            select(Nudge.practice_id, helpful, not_helpful)
            .where(Nudge.rep_id.in_(teamless), *answered)
            .group_by(Nudge.practice_id)
        )
        for practice_id, helpful_count, not_helpful_count in session.execute(query):
            votes[None][practice_id] = Votes(int(helpful_count), int(not_helpful_count))
    return votes
