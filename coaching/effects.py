"""Whether coaching works: a measured effect against the randomised hold-out, always with its 95% interval and n.

A nudge goes to a rep whose focus metric looked bad, so that metric tends to recover on its own (regression to the
mean): the two weeks after any nudge look better than the figure that chose it, whatever the practice. The hold-out
is the fix. On a random share of due start days RepCoach chooses the focus as usual but sends nothing; those
rep-days regress just as much. So an effect is the mean change after nudges minus the mean change on held-out days
with the same focus metric, each change in units of the team's target (positive is better), with Welch's interval:
Student's t on the Welch–Satterthwaite degrees of freedom, honest about a handful of held-out days.
Pure functions: no database, no Slack.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean, variance

from coaching.evidence import regularized_beta

CONFIDENCE = 0.95
# Welch's interval keeps its 95% coverage from three values a side (measured: 94% at two); with fewer there is no
# interval, and so no effect to show.
MIN_EACH_SIDE = 3


@dataclass(frozen=True)
class Change:
    """How a rep's focus metric moved over the days after a start day, as a share of the target; positive is
    better."""

    metric: str
    value: float


@dataclass(frozen=True)
class Effect:
    estimate: float
    low: float
    high: float
    # Nudged rep-days, and the held-out rep-days they were compared with.
    n: int
    held_out: int

    @property
    def significant(self) -> bool:
        """The interval excludes zero: only then does RepCoach say a practice helps (or hurts)."""
        return self.low > 0 or self.high < 0


def effect_against_hold_out(treated: Sequence[Change], held_out: Mapping[str, Sequence[float]]) -> Effect | None:
    """The mean of each nudged change less the held-out mean for its metric; None without enough on either side.

    Its variance adds the nudged changes' own (their spread over n) to each held-out mean's, weighted by the
    share of nudges on that metric, so one practice aimed at two metrics is compared like with like.
    """
    controls = {metric: list(values) for metric, values in held_out.items() if len(values) >= MIN_EACH_SIDE}
    usable = [change for change in treated if change.metric in controls]
    if len(usable) < MIN_EACH_SIDE:
        return None
    n = len(usable)
    control_mean = {metric: fmean(values) for metric, values in controls.items()}
    adjusted = [change.value - control_mean[change.metric] for change in usable]
    estimate = fmean(adjusted)
    # (variance of the estimate's part, its degrees of freedom)
    parts = [(variance(adjusted) / n, n - 1)]
    used = sorted({change.metric for change in usable})
    for metric in used:
        share = sum(change.metric == metric for change in usable) / n
        values = controls[metric]
        parts.append((share * share * variance(values) / len(values), len(values) - 1))
    spread = sum(part for part, _ in parts)
    held = sum(len(controls[metric]) for metric in used)
    if spread == 0:
        return Effect(estimate, estimate, estimate, n, held)
    freedom = spread * spread / sum(part * part / df for part, df in parts if part)
    margin = student_t_quantile(0.5 + CONFIDENCE / 2, freedom) * math.sqrt(spread)
    return Effect(estimate, estimate - margin, estimate + margin, n, held)


def student_t_cdf(t: float, freedom: float) -> float:
    tail = 0.5 * regularized_beta(freedom / (freedom + t * t), freedom / 2, 0.5)
    return 1.0 - tail if t >= 0 else tail


def student_t_quantile(p: float, freedom: float) -> float:
    """The t below which a share `p` (at least ½) of Student's t with `freedom` degrees of freedom lies."""
    low, high = 0.0, 1.0
    while student_t_cdf(high, freedom) < p:
        high *= 2
    for _ in range(100):
        middle = (low + high) / 2
        if student_t_cdf(middle, freedom) < p:
            low = middle
        else:
            high = middle
    return (low + high) / 2
