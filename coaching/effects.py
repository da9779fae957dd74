"""Whether coaching works: a measured effect against the randomised hold-out, always with its 95% interval and n.

A nudge goes to a rep whose focus metric looked bad, so that metric tends to recover on its own (regression to the
mean): the two weeks after any nudge look better than the figure that chose it, whatever the practice. The hold-out
is the fix. On a random share of due start days RepCoach chooses the focus as usual but sends nothing; those
rep-days regress just as much. So an effect is the mean change after nudges minus the mean change on held-out days
with the same focus metric, each change in units of the team's target (positive is better) and adjusted for the
figure that chose it (`baseline_adjusted`), with a 95% interval:
Student's t on Welch–Satterthwaite degrees of freedom, honest about a handful of held-out days, on each side's own
spread or (`Spread`) on one pooled over a metric's practices and hold-out.
Pure functions: no database, no Slack.
"""

from __future__ import annotations

import math
from collections import defaultdict
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
    # For a practice: whether coaching on its metric, whatever the practice, measurably differs from the hold-out.
    # Every practice for a metric shares that metric's few held-out days, so a chance dip there would make several
    # look effective at once; a practice is called only after its metric passed (a gatekeeping test).
    metric_differs: bool = True

    @property
    def significant(self) -> bool:
        """The interval excludes zero."""
        return self.low > 0 or self.high < 0

    @property
    def shown(self) -> bool:
        """Only then does RepCoach say a practice or a metric's coaching helps (or hurts)."""
        return self.significant and self.metric_differs


@dataclass(frozen=True)
class Start:
    """A measured start day before the baseline adjustment: its focus metric's change, the figure that chose it
    (as a share of the target, signed so that more is better) and whether it was held out."""

    metric: str
    change: float
    baseline: float
    held_out: bool


def baseline_adjusted(starts: Sequence[Start]) -> list[float]:
    """Each start's change less what its baseline predicts: ANCOVA, the usual way to compare randomised arms that
    share a baseline measure.

    A figure further below target recovers more by chance (regression to the mean), and with a handful of held-out
    days per metric their baselines differ from the nudges' by chance too: on simulated teams where nothing works,
    held-out up-sells started 6% of target lower and so recovered more, which read as coaching making them worse.
    Per metric, the slope of change on baseline is pooled within the two arms (so an effect of coaching does not
    bend it), and every change is moved to the metric's mean baseline along it.
    """
    adjusted = [start.change for start in starts]
    by_metric: dict[str, list[int]] = defaultdict(list)
    for index, start in enumerate(starts):
        by_metric[start.metric].append(index)
    for indices in by_metric.values():
        products = squares = 0.0
        for held_out in (True, False):
            arm = [starts[index] for index in indices if starts[index].held_out == held_out]
            if not arm:
                continue
            baseline, change = fmean(s.baseline for s in arm), fmean(s.change for s in arm)
            products += sum((s.baseline - baseline) * (s.change - change) for s in arm)
            squares += sum((s.baseline - baseline) ** 2 for s in arm)
        if not squares:
            continue
        slope, centre = products / squares, fmean(starts[index].baseline for index in indices)
        for index in indices:
            adjusted[index] = starts[index].change - slope * (starts[index].baseline - centre)
    return adjusted


@dataclass(frozen=True)
class Spread:
    """One metric's spread of changes, pooled within groups (each practice's nudges, the held-out days)."""

    variance: float
    freedom: int


def pooled_spread(groups: Sequence[Sequence[float]]) -> Spread | None:
    """The within-group variance over `groups`, with its degrees of freedom; None with no freedom left."""
    sizes = [len(group) for group in groups if group]
    freedom = sum(sizes) - len(sizes)
    if freedom < 1:
        return None
    squares = sum(sum((value - fmean(group)) ** 2 for value in group) for group in groups if group)
    return Spread(squares / freedom, freedom)


def effect_against_hold_out(
    treated: Sequence[Change], held_out: Mapping[str, Sequence[float]], spreads: Mapping[str, Spread] | None = None
) -> Effect | None:
    """The mean of each nudged change less the held-out mean for its metric; None without enough on either side.

    Its variance adds the nudged mean's to each held-out mean's, weighted by the share of nudges on that metric, so
    one practice aimed at two metrics is compared like with like. Without `spreads`, each side's own spread is
    used (Welch). With them, each metric's spread pooled over every practice and the hold-out: randomisation
    makes nudged and held-out changes spread alike when coaching does nothing, and five held-out days' own spread
    is too rough: on simulated teams, Welch's on it called 11% of practices significant in a world where none
    works.
    """
    controls = {metric: list(values) for metric, values in held_out.items() if len(values) >= MIN_EACH_SIDE}
    usable = [change for change in treated if change.metric in controls]
    if len(usable) < MIN_EACH_SIDE:
        return None
    n = len(usable)
    control_mean = {metric: fmean(values) for metric, values in controls.items()}
    adjusted = [change.value - control_mean[change.metric] for change in usable]
    estimate = fmean(adjusted)
    used = sorted({change.metric for change in usable})
    held = sum(len(controls[metric]) for metric in used)
    # (variance of the estimate's part, its degrees of freedom)
    parts: list[tuple[float, float]] = []
    if spreads is None or any(metric not in spreads for metric in used):
        parts.append((variance(adjusted) / n, n - 1))
    for metric in used:
        nudged = sum(change.metric == metric for change in usable)
        share, values = nudged / n, controls[metric]
        if spreads is None or metric not in spreads:
            parts.append((share * share * variance(values) / len(values), len(values) - 1))
        else:
            common = spreads[metric]
            parts.append((share * share * common.variance * (1 / nudged + 1 / len(values)), common.freedom))
    spread = sum(part for part, _ in parts)
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
