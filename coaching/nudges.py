"""Choosing a rep's coaching nudge: aim at the weakest metric, pick a practice the team finds helpful."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from coaching.definition import MetricDefinition, ScorecardDefinition
from coaching.library import Library, Practice

NudgeKind = Literal["onboarding", "practice", "stretch", "praise"]
Feedback = Literal["helpful", "not_for_me", "snoozed"]


@dataclass(frozen=True)
class Focus:
    metric: MetricDefinition
    value: float
    target: float


@dataclass(frozen=True)
class History:
    """What a rep has had: practices given recently, and practices they said were not for them."""

    recent: frozenset[str] = frozenset()
    rejected: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Votes:
    helpful: int = 0
    not_for_me: int = 0


@dataclass(frozen=True)
class NudgeChoice:
    kind: NudgeKind
    practice: Practice | None = None
    focus: Focus | None = None


def weakest_metric(
    values: Mapping[str, float | None], definition: ScorecardDefinition, targets: Mapping[str, float]
) -> Focus | None:
    """The metric furthest below its target, weighted; None when every logged metric meets its target."""
    worst: tuple[float, Focus] | None = None
    for metric in definition.metrics:
        value = values.get(metric.key)
        if value is None or metric.meets(value, targets[metric.key]):
            continue
        gap = metric.weight * (1 - metric.attainment(value, targets[metric.key]))
        if worst is None or gap > worst[0]:
            worst = (gap, Focus(metric, value, targets[metric.key]))
    return worst[1] if worst else None


def choose_nudge(
    days_logged: int,
    values: Mapping[str, float | None],
    library: Library,
    definition: ScorecardDefinition,
    targets: Mapping[str, float],
    history: History,
    votes: Mapping[str, Votes],
    rng: random.Random,
) -> NudgeChoice:
    if days_logged == 0:
        return NudgeChoice("onboarding")
    focus = weakest_metric(values, definition, targets)
    if focus is None:
        stretch = _fresh(library.stretch(), history)
        return NudgeChoice("stretch", _thompson(stretch, votes, rng)) if stretch else NudgeChoice("praise")
    aimed = [
        practice
        for practice in library.for_metric(focus.metric.key)
        if _conditions_hold(practice, values, definition, targets) and practice.id not in history.rejected
    ]
    # Repeat a practice only when every one aimed at this metric was given recently.
    pool = _fresh(aimed, history) or aimed
    if not pool:
        return NudgeChoice("praise")
    return NudgeChoice("practice", _thompson(pool, votes, rng), focus)


def _fresh(practices: list[Practice], history: History) -> list[Practice]:
    return [p for p in practices if p.id not in history.recent and p.id not in history.rejected]


def _conditions_hold(
    practice: Practice,
    values: Mapping[str, float | None],
    definition: ScorecardDefinition,
    targets: Mapping[str, float],
) -> bool:
    by_key = definition.by_key()
    return all(
        values.get(key) is not None and not by_key[key].meets(values[key], targets[key])
        for key in practice.only_when_below
    )


def _thompson(pool: list[Practice], votes: Mapping[str, Votes], rng: random.Random) -> Practice:
    """Thompson sampling on Beta(1 + helpful, 1 + not for me): tried-and-liked practices win more often,
    untried ones still get their chance."""

    def draw(practice: Practice) -> float:
        vote = votes.get(practice.id, Votes())
        return rng.betavariate(1 + vote.helpful, 1 + vote.not_for_me)

    return max(sorted(pool, key=lambda practice: practice.id), key=draw)
