"""How sure a figure is: the chance that a rep's true rate or average is worse than its target.

A complaint rate from 30 contacts, or a CSAT from two days, is mostly noise. Coaching aims only at metrics that
are likely below target, so it needs each figure's evidence, not just its value:
- a rate (events among contacts) gets a Beta posterior under Jeffreys' prior, Beta(events + ½, others + ½);
- an average or a per-day figure gets a normal approximation, its day-to-day spread shrunk towards the metric's
  `day_spread` so that two similar days are not taken as certainty.
Pure functions: no database, no Slack.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from coaching.definition import MetricDefinition

# Jeffreys' prior: half an event and half a non-event, the usual uninformative choice for a binomial rate.
_PRIOR_EVENTS = 0.5
# How many days' worth of weight the metric's typical spread gets against the observed one.
_PRIOR_DAYS = 3.0


@dataclass(frozen=True)
class Sample:
    """What one metric's figure rests on over a span of days.

    For a rate: `total` events among `weight` contacts. For an average: `total` is the sum of daily value × contacts
    over `weight` contacts, `squares` the sum of daily value² × contacts. For a per-day figure: `total` and
    `squares` sum the daily figures and their squares over `weight` days. `days` counts the days that logged it.
    """

    total: float
    weight: float
    squares: float
    days: int

    @property
    def value(self) -> float | None:
        return self.total / self.weight if self.weight else None


EMPTY = Sample(0.0, 0.0, 0.0, 0)


def probability_worse(metric: MetricDefinition, sample: Sample, target: float) -> float:
    """The chance that the rep's true figure is worse than `target`, given `sample`; ½ when nothing is known."""
    if not sample.weight or not sample.days:
        return 0.5
    if metric.kind == "rate":
        events = min(max(sample.total, 0.0), sample.weight)
        below = regularized_beta(
            min(max(target, 0.0), 1.0), events + _PRIOR_EVENTS, sample.weight - events + _PRIOR_EVENTS
        )
    else:
        mean = sample.total / sample.weight
        observed = max(sample.squares / sample.weight - mean * mean, 0.0)
        prior = (metric.day_spread or 0.0) ** 2
        spread = math.sqrt((_PRIOR_DAYS * prior + sample.days * observed) / (_PRIOR_DAYS + sample.days))
        error = spread / math.sqrt(sample.days)
        below = normal_cdf((target - mean) / error) if error else float(mean < target)
    return below if metric.direction == "higher" else 1.0 - below


def normal_cdf(z: float) -> float:
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def regularized_beta(x: float, a: float, b: float) -> float:
    """I_x(a, b), the Beta(a, b) distribution's CDF at x, by Lentz's continued fraction."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    # The fraction converges fast only on this side of the mean; the other side follows by symmetry.
    if x > (a + 1.0) / (a + b + 2.0):
        return 1.0 - regularized_beta(1.0 - x, b, a)
    return math.exp(log_front) * _beta_fraction(x, a, b) / a


def _beta_fraction(x: float, a: float, b: float) -> float:
    tiny, epsilon = 1e-300, 1e-12
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    fraction = d
    for m in range(1, 300):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            fraction *= c * d
        if abs(c * d - 1.0) < epsilon:
            break
    return fraction
