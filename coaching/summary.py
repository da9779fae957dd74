"""A lead's weekly summary of their team, about people and customer first.

Pooled team figures hide people: one rep's 3% complaints is the team's 0.8%. So next to each team figure the
summary counts the reps below target, scores the team as the mean of its reps' balanced scores, flags reps at risk
by level (a customer metric below target this week and likely so on four weeks' evidence), and prepares a
one-to-one for each of them: the metric and figure, the practice they are working on this week and what they said of
it, and the practice that helped their teammates most. Figures far outside a rep's own history are listed to check,
not praised. Only the team's leads get it.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from statistics import fmean
from typing import Literal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from coaching.cycle import PRACTICE_KINDS, practice_worked_on
from coaching.db import among
from coaching.definition import MetricDefinition, ScorecardDefinition
from coaching.effects import Effect
from coaching.evidence import EMPTY, Sample, probability_worse
from coaching.feedback import measured_changes
from coaching.i18n import Text, lazy_gettext
from coaching.library import Library, Practice
from coaching.models import Kudos, Nudge, Rep, Team
from coaching.nudges import HELPFUL_ANSWERS, UNHELPFUL_ANSWERS, Votes
from coaching.periods import Period
from coaching.schedule import VOTES_WINDOW_DAYS, team_votes
from coaching.scorecard import Figures, MetricLine, Scorecard, build_scorecard, figures_by_rep, span_figures, team_scope
from coaching.scoring import BalancedScore, balanced_score
from coaching.teams import reps_of, targets_for
from coaching.unusual import Unusual, unusual_figures

HISTORY_WEEKS = 8
# A rep needs this many logged days in a week before a win can name them.
MIN_DAYS_NAMED = 3
# At risk by level: a customer metric below target this week and at least RISK_CONFIDENCE likely truly below over
# the last EVIDENCE_WEEKS, or `focus_confidence` likely whatever this week showed. A flag costs a conversation, a
# struggling rep left unflagged costs their customers. Chosen on seeds 1-3 of `bench ceiling` (reps on trends) and
# of `bench coaching` (reps whom coaching also moves): four weeks' posterior tells a struggling rep apart at least as
# well as two or three, and the week's own figure keeps a rep who has since recovered from being flagged on a month
# of older figures. It flagged 74% of struggling rep-weeks with 66% of flags right where coaching moves reps (60% on
# four weeks alone: 74% at 62% on seeds 1-2; the earlier rule, two of three weeks below and 60% likely, or 80%: 62%
# at 67%). The flag shows in how many of the last RISK_WEEKS weeks the figure was below target, for the lead to read.
RISK_WEEKS = 3
EVIDENCE_WEEKS = 4
RISK_CONFIDENCE = 0.5
# A weekly fall smaller than this share of the target is noise, not a risk.
RISK_STEP = 0.05
# The metrics a team uses: those any of its reps logged in the last four weeks.
IN_USE_WEEKS = 4
# What a rep said of the week's practice: the follow-up's answer, else the start's.
TRIED = {
    "helpful": lazy_gettext("tried it: helped"),
    "no_difference": lazy_gettext("tried it: no difference"),
    "not_yet": lazy_gettext("not tried yet"),
}
STARTED = {"trying": lazy_gettext("said they'd try it")}
NO_ANSWER = lazy_gettext("no answer yet")


@dataclass(frozen=True)
class Risk:
    kind: Literal["below_target", "falling", "stopped_logging"]
    metric: MetricDefinition | None = None
    value: float | None = None
    target: float | None = None
    # below_target: the figure over the last EVIDENCE_WEEKS weeks, and in how many of the last RISK_WEEKS it was
    # below target; falling: this week's figure.
    weeks_below: int = 0


@dataclass(frozen=True)
class RepWeek:
    rep: Rep
    days: int
    values: dict[str, float | None]
    score: BalancedScore
    previous_score: BalancedScore
    kudos: int
    risks: tuple[Risk, ...]
    unusual: tuple[Unusual, ...] = ()

    @property
    def at_risk(self) -> bool:
        return bool(self.risks)

    @property
    def improvement(self) -> float | None:
        if self.score.value is None or self.previous_score.value is None:
            return None
        return self.score.value - self.previous_score.value


@dataclass(frozen=True)
class MetricCount:
    """The team's figure for one metric, and how many of its reps are below target on their own figures."""

    line: MetricLine
    below: int
    logged: int
    reps: int


@dataclass(frozen=True)
class OneToOne:
    rep: Rep
    risk: Risk
    working_on: Practice | None
    answer: Text | None
    # The practice for the risk's metric that most teammates found helpful, their votes, and its measured effect.
    helped_most: Practice | None
    votes: Votes
    effect: Effect | None


@dataclass(frozen=True)
class PracticeUse:
    practice_id: str
    sent: int
    helpful: int


@dataclass(frozen=True)
class TeamSummary:
    team: Team
    # The team's pooled figures; its score is the mean of the reps' scores (`team_score`), not the pooled one.
    scorecard: Scorecard
    reps: list[RepWeek]
    counts: list[MetricCount]
    most_improved: RepWeek | None
    practices: list[PracticeUse]
    one_to_ones: list[OneToOne]
    # (first day of the week, the team's figures), oldest first, ending with this week.
    history: list[tuple[date, dict[str, float | None]]]
    targets: dict[str, float]

    @property
    def at_risk(self) -> list[RepWeek]:
        return [row for row in self.reps if row.at_risk]

    @property
    def scored(self) -> int:
        return sum(row.score.value is not None for row in self.reps)

    @property
    def unusual(self) -> list[RepWeek]:
        return [row for row in self.reps if row.unusual]

    @property
    def every_rep_meets_every_target(self) -> bool:
        return bool(self.reps) and all(row.score.meets_every_target for row in self.reps)


def week_of(day: date) -> Period:
    start = day - timedelta(days=day.weekday())
    return Period("week", start, start + timedelta(days=6))


def team_score(scores: Sequence[BalancedScore]) -> float | None:
    """The mean of the reps' balanced scores, over the reps with one: a team is as good as its people."""
    values = [score.value for score in scores if score.value is not None]
    return round(fmean(values), 1) if values else None


def weekly_figures(
    session: Session, rep_ids: list[int], week: Period, weeks: int, definition: ScorecardDefinition
) -> list[dict[int, Figures]]:
    """Each rep's figures for `week` and the `weeks - 1` weeks before it, newest first."""
    found = []
    for back in range(weeks):
        start = week.start - timedelta(weeks=back)
        found.append(figures_by_rep(session, rep_ids, start, start + timedelta(days=6), definition))
    return found


def metrics_in_use(weeks: Sequence[Mapping[int, Figures]], definition: ScorecardDefinition) -> tuple[str, ...]:
    """The metrics any rep logged in `weeks`: a team that never logs up-sells is not judged on them."""
    logged = {key for by_rep in weeks for figures in by_rep.values() for key, s in figures.samples.items() if s.days}
    return tuple(metric.key for metric in definition.metrics if metric.key in logged)


def pooled(weeks: Sequence[Figures]) -> dict[str, Sample]:
    """The samples of several weeks taken together."""
    totals: dict[str, Sample] = {}
    for figures in weeks:
        for key, sample in figures.samples.items():
            so_far = totals.get(key, EMPTY)
            totals[key] = Sample(
                so_far.total + sample.total,
                so_far.weight + sample.weight,
                so_far.squares + sample.squares,
                so_far.days + sample.days,
            )
    return totals


def risks(weeks: Sequence[Figures], definition: ScorecardDefinition, targets: Mapping[str, float]) -> tuple[Risk, ...]:
    """A rep's risks from their last EVIDENCE_WEEKS weeks, newest first. Customer metrics only: a slipping handle
    time is in the team counts, but a rep is at risk when their customers are.

    A customer metric is a risk when it is below target this week and the last four weeks make it more likely truly
    below target than not, or when those weeks make it `focus_confidence` likely whatever this week showed. One that
    fell two weeks running to this week's figure is shown as falling, with that figure."""
    now, *earlier = weeks
    if now.days == 0:
        return (Risk("stopped_logging"),) if any(week.days for week in earlier[: RISK_WEEKS - 1]) else ()
    evidence = pooled(weeks[:EVIDENCE_WEEKS])
    found = []
    for metric in definition.metrics:
        if metric.perspective != "customer":
            continue
        target = targets[metric.key]
        series = [week.values.get(metric.key) for week in weeks[:RISK_WEEKS]]
        below = sum(value is not None and not metric.meets(value, target) for value in series)
        latest = next((value for value in series if value is not None), None)
        sample = evidence.get(metric.key, EMPTY)
        if latest is None or sample.value is None:
            continue
        likely = probability_worse(metric, sample, target)
        this_week = series[0]
        below_now = this_week is not None and not metric.meets(this_week, target)
        if not (likely >= definition.focus_confidence or (below_now and likely >= RISK_CONFIDENCE)):
            continue
        if this_week is not None and below_now and _falling(metric, series, target):
            found.append(Risk("falling", metric, this_week, target, below))
        else:
            found.append(Risk("below_target", metric, sample.value, target, below))
    # The largest weighted shortfall first: the one-to-one opens with it.
    return tuple(sorted(found, key=lambda risk: -_shortfall(risk)))


def _falling(metric: MetricDefinition, newest_first: list[float | None], target: float) -> bool:
    """Worse each week by more than noise (RISK_STEP of the target), two weeks running."""
    series = list(reversed(newest_first))
    if None in series or len(series) < 3:
        return False
    step = RISK_STEP * target
    pairs = itertools.pairwise(value for value in series if value is not None)
    return all((a - b if metric.direction == "higher" else b - a) >= step for a, b in pairs)


def _shortfall(risk: Risk) -> float:
    if risk.metric is None or risk.value is None or risk.target is None:
        return 0.0
    return risk.metric.weight * risk.metric.missed_share(risk.value, risk.target)


def build_team_summary(
    session: Session, team: Team, week: Period, definition: ScorecardDefinition, library: Library
) -> TeamSummary:
    targets = targets_for(session, team, definition)
    scorecard = build_scorecard(session, team_scope(team.id), week, definition, targets)
    reps = reps_of(session, team, leads=False)
    weeks = weekly_figures(session, [rep.id for rep in reps], week, HISTORY_WEEKS + 1, definition)
    kudos = _kudos_received(session, team, week)
    rows = []
    for rep in reps:
        mine = [by_rep.get(rep.id, Figures(0, {})) for by_rep in weeks]
        past = [(figures.samples, figures.days) for figures in mine[1:] if figures.days]
        rows.append(
            RepWeek(
                rep,
                mine[0].days,
                mine[0].values,
                balanced_score(mine[0].values, definition, targets),
                balanced_score(mine[1].values, definition, targets),
                kudos[rep.id],
                risks(mine[:EVIDENCE_WEEKS], definition, targets),
                unusual_figures(mine[0].samples, mine[0].days, past, definition),
            )
        )
    in_use = set(metrics_in_use(weeks[:IN_USE_WEEKS], definition))
    improvers = [
        row
        for row in rows
        if row.improvement is not None
        and row.improvement > 0
        and row.days >= MIN_DAYS_NAMED
        and not row.unusual
        and in_use <= set(row.score.covered)
    ]
    scorecard = replace(
        scorecard,
        score=replace(scorecard.score, value=team_score([row.score for row in rows])),
        previous_score=replace(scorecard.previous_score, value=team_score([row.previous_score for row in rows])),
    )
    return TeamSummary(
        team,
        scorecard,
        rows,
        _counts(scorecard, rows, len(reps)),
        max(improvers, key=lambda row: row.improvement or 0, default=None),
        _practices(session, reps, week),
        _one_to_ones(session, team, week, [row for row in rows if row.at_risk], library, definition),
        _history(session, team, week, definition),
        targets,
    )


def _counts(scorecard: Scorecard, rows: list[RepWeek], reps: int) -> list[MetricCount]:
    counts = []
    for line in scorecard.lines:
        key, metric = line.definition.key, line.definition
        figures = [value for row in rows if (value := row.values.get(key)) is not None]
        below = sum(not metric.meets(value, line.target) for value in figures)
        counts.append(MetricCount(line, below, len(figures), reps))
    return counts


def _one_to_ones(
    session: Session,
    team: Team,
    week: Period,
    at_risk: list[RepWeek],
    library: Library,
    definition: ScorecardDefinition,
) -> list[OneToOne]:
    if not at_risk:
        return []
    working = _working_on(session, [row.rep.id for row in at_risk], week, library)
    # Whether it helped: the coaching's own votes also count I'll try it, which says nothing of help.
    since = week.end - timedelta(days=VOTES_WINDOW_DAYS)
    votes = team_votes(session, {team.id}, since, (HELPFUL_ANSWERS, UNHELPFUL_ANSWERS)).get(team.id, {})
    changes = measured_changes(session, definition, team.workspace_id)
    spreads = changes.spreads()
    meetings = []
    for row in at_risk:
        risk = row.risks[0]
        practice, answer = working.get(row.rep.id, (None, None))
        best = _helped_most(library, risk.metric, votes) if risk.metric else None
        effect = changes.practice_effect(best.id, spreads) if best else None
        meetings.append(
            OneToOne(row.rep, risk, practice, answer, best, votes.get(best.id, Votes()) if best else Votes(), effect)
        )
    return meetings


def _working_on(
    session: Session, rep_ids: list[int], week: Period, library: Library
) -> dict[int, tuple[Practice | None, Text | None]]:
    """The practice each rep worked on in `week` (the last start they did not swap or turn down) and what they said
    of it: the follow-up's answer if any, else the start's."""
    query = (
        select(Nudge)
        .where(among(Nudge.rep_id, rep_ids), Nudge.local_date.between(week.start, week.end))
        .order_by(Nudge.local_date, Nudge.id)
    )
    by_rep: dict[int, list[Nudge]] = defaultdict(list)
    for nudge in session.scalars(query):
        by_rep[nudge.rep_id].append(nudge)
    by_id = library.by_id()
    found: dict[int, tuple[Practice | None, Text | None]] = {}
    for rep_id, nudges in by_rep.items():
        start = practice_worked_on(nudges)
        if start is None or start.practice_id is None:
            continue
        follow_ups = [n for n in nudges if n.kind == "follow_up" and n.practice_id == start.practice_id and n.feedback]
        answer = TRIED.get(follow_ups[-1].feedback or "") if follow_ups else STARTED.get(start.feedback or "")
        found[rep_id] = (by_id.get(start.practice_id or ""), answer or NO_ANSWER)
    return found


def _helped_most(library: Library, metric: MetricDefinition, votes: Mapping[str, Votes]) -> Practice | None:
    """The practice for `metric` most teammates found helpful lately; none until one has a Helped."""
    scored = [
        (vote.helpful, vote.helpful / (vote.helpful + vote.not_helpful), practice.id, practice)
        for practice in library.for_metric(metric.key)
        if (vote := votes.get(practice.id)) is not None and vote.helpful
    ]
    return max(scored, key=lambda entry: entry[:3])[3] if scored else None


def _kudos_received(session: Session, team: Team, week: Period) -> Counter[int]:
    query = (
        select(Kudos.receiver_id, func.count(Kudos.id))
        .where(Kudos.team_id == team.id, Kudos.given_on.between(week.start, week.end))
        .group_by(Kudos.receiver_id)
    )
    return Counter({receiver: int(count) for receiver, count in session.execute(query)})


def _practices(session: Session, reps: list[Rep], week: Period) -> list[PracticeUse]:
    query = (
        select(
            Nudge.practice_id,
            func.sum(case((Nudge.kind.in_(PRACTICE_KINDS), 1), else_=0)),
            func.sum(case((Nudge.feedback == "helpful", 1), else_=0)),
        )
        .where(
            Nudge.rep_id.in_([rep.id for rep in reps]),
            Nudge.practice_id.is_not(None),
            Nudge.local_date.between(week.start, week.end),
        )
        .group_by(Nudge.practice_id)
    )
    # Sent counts the starts that offered it; found helpful, the follow-ups' Helped as well as the buttons'.
    uses = [
        PracticeUse(str(practice_id), int(sent or 0), int(helpful or 0))
        for practice_id, sent, helpful in session.execute(query)
    ]
    return sorted((use for use in uses if use.sent), key=lambda use: (-use.helpful, -use.sent, use.practice_id))


def _history(
    session: Session, team: Team, week: Period, definition: ScorecardDefinition
) -> list[tuple[date, dict[str, float | None]]]:
    history = []
    for back in range(HISTORY_WEEKS - 1, -1, -1):
        start = week.start - timedelta(weeks=back)
        figures = span_figures(session, team_scope(team.id), start, start + timedelta(days=6), definition)
        history.append((start, figures.values))
    return history
