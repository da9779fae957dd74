"""Choosing a rep's coaching: aim customer first at a metric that is likely below target, then pick a practice.

The aim reads each metric's evidence (`coaching.evidence`), not its bare value: a metric is a focus only when its
figure is below target and it is at least `focus_confidence` likely truly so, so a handful of contacts cannot decide
it. A customer metric needs only `customer_focus_confidence` (more likely below than not) and comes first, as in the
score; within each, the largest expected weighted shortfall (the shortfall times how likely it is real).

The practice follows spaced-practice rules: nothing goes to the same rep again within 21 days, except a practice
they found helpful, which comes back as an announced review after three weeks and then at doubling intervals.
When a focus has nothing fresh left, the next likely-below metric gets its turn; "every target met", stretch and
praise come only when every metric in use is logged and meets its target. Among eligible practices, Thompson
sampling on the team's answers lets the ones that help win more often while untried ones still get their chance.
Pure functions: no database, no Slack.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from coaching.definition import MetricDefinition, ScorecardDefinition
from coaching.evidence import Sample, probability_worse
from coaching.library import Library, Practice

NudgeKind = Literal[
    "onboarding",
    "practice",
    "review",
    "stretch",
    "praise",
    "incomplete",
    "rest",
    "held_out",
    "follow_up",
    "wrap_up",
]
# Recorded so the week goes on from them, but not sent: nothing fresh to offer, or kept back for the hold-out
# that effects are measured against.
UNSENT_KINDS = ("rest", "held_out")
Feedback = Literal["helpful", "not_for_me", "snoozed", "trying", "another", "no_difference", "not_yet"]
# Answers that say whether a practice helped; the others (trying, another, not yet, snoozed) say nothing of that.
HELPFUL_ANSWERS = ("helpful",)
UNHELPFUL_ANSWERS = ("not_for_me", "no_difference")
# What steers the choice: a practice a rep takes on (I'll try it) or that helped counts for it; one turned down,
# swapped for another or tried to no effect counts against it. Taking one on is the commoner answer by far, so
# counting it gives the team's sampling several times the evidence.
VOTES_FOR = ("helpful", "trying")
VOTES_AGAINST = ("not_for_me", "no_difference", "another")

NO_REPEAT = timedelta(days=21)
# The most doubt each figure may carry for a rep to be told "every target met".
CLAIM_DOUBT = 0.1
# With fewer logged days than this, a nudge says how few its figures rest on.
THIN_DATA_DAYS = 10


@dataclass(frozen=True)
class Focus:
    metric: MetricDefinition
    value: float
    target: float
    # The chance that the rep's true figure is below target, and the logged days it rests on.
    likelihood: float = 1.0
    days: int = 0

    @property
    def thin(self) -> bool:
        return self.days < THIN_DATA_DAYS


@dataclass(frozen=True)
class Given:
    """A practice's record with one rep: when they last had it and how many times in all."""

    last: date
    times: int


@dataclass(frozen=True)
class History:
    """What a rep has had: practices given, practices they found helpful, and ones they said were not for them."""

    given: Mapping[str, Given] = field(default_factory=dict)
    helpful: frozenset[str] = frozenset()
    rejected: frozenset[str] = frozenset()

    def fresh(self, practice: Practice, today: date) -> bool:
        """Never given, or not within the last 21 days, and not turned down. One found helpful comes back only as a
        review, on the review's schedule."""
        had = self.given.get(practice.id)
        if practice.id in self.rejected or practice.id in self.helpful:
            return False
        return had is None or today - had.last >= NO_REPEAT

    def review_due(self, practice: Practice, today: date) -> bool:
        """A practice the rep found helpful comes back 21 days after it was first given, then 42, 84, …"""
        had = self.given.get(practice.id)
        if had is None or practice.id not in self.helpful or practice.id in self.rejected:
            return False
        interval: timedelta = NO_REPEAT * 2 ** (had.times - 1)
        return today - had.last >= interval


@dataclass(frozen=True)
class Votes:
    """A team's answers on one practice, for it (VOTES_FOR) and against it (VOTES_AGAINST); fractional when
    borrowed from the rest of the workspace."""

    helpful: float = 0
    not_helpful: float = 0


@dataclass(frozen=True)
class NudgeChoice:
    kind: NudgeKind
    practice: Practice | None = None
    focus: Focus | None = None
    # The logged days behind the choice, and the metrics with no figure (for "incomplete").
    days: int = 0
    missing: tuple[MetricDefinition, ...] = ()
    # For a wrap-up: the focus figure that chose the week's practice, to show how it moved.
    before: float | None = None


@dataclass(frozen=True)
class Standing:
    """Where a rep stands: each metric's evidence, and which metrics are likely below target, in order."""

    focuses: tuple[Focus, ...]
    every_target_met: bool
    missing: tuple[str, ...]
    # A metric whose figure is below target but not yet surely so: the best guess when no metric is a focus.
    tentative: Focus | None


def standing(samples: Mapping[str, Sample], definition: ScorecardDefinition, targets: Mapping[str, float]) -> Standing:
    likely: list[tuple[tuple[bool, float], Focus]] = []
    unsure: list[tuple[float, Focus]] = []
    missing: list[str] = []
    all_met = True
    for metric in definition.metrics:
        sample = samples.get(metric.key)
        target = targets[metric.key]
        value = sample.value if sample else None
        if sample is None or value is None:
            missing.append(metric.key)
            all_met = False
            continue
        worse = probability_worse(metric, sample, target)
        focus = Focus(metric, value, target, worse, sample.days)
        # "Every target met" is a claim, and praise a rep cannot trust is worse than none: each figure must meet its
        # target and be at least 90% likely to truly, not on it by a hair.
        if not metric.meets(value, target) or worse > CLAIM_DOUBT:
            all_met = False
        customer = metric.perspective == "customer"
        sure_enough = worse >= (definition.customer_focus_confidence if customer else definition.focus_confidence)
        if sure_enough and not metric.meets(value, target):
            # Customer first, then the largest expected weighted shortfall: how short the figure is, times how
            # likely it is truly short, so a sure small gap can come before a doubtful large one.
            expected = worse * metric.weight * metric.missed_share(value, target)
            likely.append(((not customer, -expected), focus))
        elif not metric.meets(value, target):
            unsure.append((worse, focus))
    likely.sort(key=lambda entry: entry[0])
    tentative = max(unsure, key=lambda entry: entry[0])[1] if unsure else None
    return Standing(tuple(focus for _, focus in likely), all_met, tuple(missing), tentative)


def choose_nudge(
    *,
    days_logged: int,
    samples: Mapping[str, Sample],
    library: Library,
    definition: ScorecardDefinition,
    targets: Mapping[str, float],
    history: History,
    votes: Mapping[str, Votes],
    rng: random.Random,
    today: date,
    keep_focus: str | None = None,
) -> NudgeChoice:
    """The nudge for one rep today. `keep_focus` holds the week's focus metric while it is still below target."""
    if days_logged == 0:
        return NudgeChoice("onboarding")
    where = standing(samples, definition, targets)
    values = {key: sample.value for key, sample in samples.items()}
    focuses = list(where.focuses)
    kept = _kept_focus(keep_focus, where)
    if kept is not None:
        focuses = [kept, *(focus for focus in focuses if focus.metric.key != kept.metric.key)]
    elif not focuses and where.tentative is not None:
        # Below target but not yet surely: worth a practice, and the nudge says how little it rests on.
        focuses = [where.tentative]
    for focus in focuses:
        aimed = [
            practice
            for practice in library.for_metric(focus.metric.key)
            if _conditions_hold(practice, values, definition, targets)
        ]
        due = [practice for practice in aimed if history.review_due(practice, today)]
        if due:
            return NudgeChoice("review", _thompson(due, votes, rng), focus, days_logged)
        fresh = [practice for practice in aimed if history.fresh(practice, today)]
        if fresh:
            return NudgeChoice("practice", _thompson(fresh, votes, rng), focus, days_logged)
    if focuses:
        # Every practice for every below-target metric was given within 21 days: rest rather than repeat.
        return NudgeChoice("rest", days=days_logged)
    if where.every_target_met:
        stretch = [practice for practice in library.stretch() if history.fresh(practice, today)]
        if stretch:
            return NudgeChoice("stretch", _thompson(stretch, votes, rng), days=days_logged)
        return NudgeChoice("praise", days=days_logged)
    if where.missing:
        by_key = definition.by_key()
        return NudgeChoice("incomplete", days=days_logged, missing=tuple(by_key[key] for key in where.missing))
    return NudgeChoice("rest", days=days_logged)


def _kept_focus(key: str | None, where: Standing) -> Focus | None:
    """The week's focus stays while its figure is still below target, even if less surely than when chosen."""
    if key is None:
        return None
    for focus in where.focuses:
        if focus.metric.key == key:
            return focus
    if where.tentative is not None and where.tentative.metric.key == key:
        return where.tentative
    return None


def _conditions_hold(
    practice: Practice,
    values: Mapping[str, float | None],
    definition: ScorecardDefinition,
    targets: Mapping[str, float],
) -> bool:
    by_key = definition.by_key()
    for key in practice.only_when_below:
        value = values.get(key)
        if value is None or by_key[key].meets(value, targets[key]):
            return False
    return True


def _thompson(pool: list[Practice], votes: Mapping[str, Votes], rng: random.Random) -> Practice:
    """Thompson sampling on Beta(1 + helpful, 1 + not helpful): tried-and-liked practices win more often,
    untried ones still get their chance."""

    def draw(practice: Practice) -> float:
        vote = votes.get(practice.id, Votes())
        return rng.betavariate(1 + vote.helpful, 1 + vote.not_helpful)

    return max(sorted(pool, key=lambda practice: practice.id), key=draw)
