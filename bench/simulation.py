"""The simulated team `bench coaching` coaches: hidden true skills, trends, daily noise and habits.

Everything here is the world's secret. The code under test sees only what a rep logs and which buttons
they press; the bench compares what the code said with the truth held here.

Per rep: a true rate or mean for every metric of the scorecard, some drifting better or worse week by
week; contacts a day around their own mean; a share of working days they log (50-95%) and a share of
nudges they answer (30-90%). Daily figures are binomial counts for the rates, a normal day around the
rep's mean for CSAT and handle time (clipped to what can be logged) and a small count for practices.

Per practice and metric it names: a true effect (world `effects`: about half of them help, by 0.3-0.8 of
the metric's spread between reps; world `null`: none), applied to the rep's true value from the day after
they say the practice helped. Whether a rep presses Helpful depends on how useful the practice truly is
for them: its general appeal, their own taste, whether it aims at a metric they are truly below target on,
and (world `effects`) how much it would move those metrics. So the best choice for a rep is defined.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from coaching.definition import MetricDefinition, ScorecardDefinition
from coaching.library import Library, Practice

WorldKind = Literal["effects", "null"]
WORLDS: tuple[WorldKind, ...] = ("effects", "null")

# How a rep's Helpful probability rises when a practice aims at a metric they are truly below target on
# (what a rep feels is relevant, whether or not it works), and per unit of true gain (in spreads).
RELEVANCE = 0.15
GAIN = 0.3


@dataclass(frozen=True)
class Habit:
    """How one metric's true value is drawn for a rep, moves between reps, and is logged day to day."""

    low: float
    high: float
    spread: float  # the typical difference between reps: trends and effects are sized in it
    floor: float
    ceiling: float
    daily_sd: float = 0.0  # for averages: how far a day's figure strays from the rep's mean


# Each customer metric starts below target for about a fifth of reps, so about half the team starts below on at
# least one: a flag raised at random would be right about half the time.
HABITS: dict[str, Habit] = {
    "csat": Habit(4.4, 4.95, 0.2, 1.0, 5.0, daily_sd=0.25),
    "recommit_rate": Habit(0.26, 0.45, 0.05, 0.0, 0.95),
    "complaint_rate": Habit(0.004, 0.024, 0.005, 0.0005, 0.5),
    "fcr_rate": Habit(0.68, 0.92, 0.05, 0.05, 0.98),
    "repeat_rate": Habit(0.04, 0.16, 0.03, 0.005, 0.6),
    "aht": Habit(6.0, 10.5, 1.0, 2.0, 30.0, daily_sd=1.2),
    "upsell_rate": Habit(0.02, 0.08, 0.015, 0.001, 0.5),
    "crosssell_rate": Habit(0.02, 0.08, 0.015, 0.001, 0.5),
    "referral_rate": Habit(0.05, 0.15, 0.025, 0.002, 0.6),
    "practices_per_day": Habit(0.2, 1.2, 0.25, 0.0, 3.0),
}
PRACTICES_A_DAY_AT_MOST = 3


@dataclass
class Trait:
    """One rep's true value of one metric: where it starts and how much it moves per week."""

    start: float
    drift: float


@dataclass
class SimRep:
    user_id: str
    contacts: float
    logs: float
    answers: float
    traits: dict[str, Trait]
    # A rep's own taste for each practice, added to its general appeal.
    taste: dict[str, float]
    # The practices the rep said helped, with the day their effect began.
    tried: dict[str, date] = field(default_factory=dict)


class World:
    def __init__(
        self,
        kind: WorldKind,
        seed: int,
        reps: int,
        first_day: date,
        definition: ScorecardDefinition,
        library: Library,
        targets: dict[str, float],
    ) -> None:
        self.kind = kind
        self.first_day = first_day
        self.definition = definition
        self.metrics = definition.by_key()
        self.library = library
        self.practices = library.by_id()
        self.targets = targets
        rng = random.Random(f"world:{kind}:{seed}")
        self.appeal = {practice.id: rng.uniform(0.1, 0.45) for practice in library.practices}
        self.effects: dict[str, dict[str, float]] = {
            practice.id: {
                key: (rng.uniform(0.3, 0.8) if kind == "effects" and rng.random() < 0.5 else 0.0)
                for key in practice.metrics
            }
            for practice in library.practices
        }
        self.reps = [self._rep(rng, number) for number in range(reps)]
        self._below: dict[tuple[str, date], frozenset[str]] = {}

    def _rep(self, rng: random.Random, number: int) -> SimRep:
        traits = {}
        for key in self.metrics:
            habit = HABITS[key]
            trend = rng.random()
            per_week = rng.uniform(0.05, 0.15) * habit.spread
            # A third get better, a third worse, the rest hold steady; "better" depends on the direction.
            sign = 1 if trend < 1 / 3 else -1 if trend < 2 / 3 else 0
            if self.metrics[key].direction == "lower":
                sign = -sign
            traits[key] = Trait(rng.uniform(habit.low, habit.high), sign * per_week)
        return SimRep(
            user_id=f"U0SIM{number:04d}",
            contacts=rng.uniform(15, 45),
            logs=rng.uniform(0.5, 0.95),
            answers=rng.uniform(0.3, 0.9),
            traits=traits,
            taste={practice.id: rng.gauss(0, 0.08) for practice in self.library.practices},
        )

    # --- the truth ---------------------------------------------------------------------------------

    def true_value(self, rep: SimRep, key: str, day: date) -> float:
        """The expected logged figure on `day`: the trend so far plus the effects of practices tried before it."""
        habit, trait, metric = HABITS[key], rep.traits[key], self.metrics[key]
        value = trait.start + trait.drift * (day - self.first_day).days / 7
        better = 1 if metric.direction == "higher" else -1
        for practice_id, since in rep.tried.items():
            if since <= day:
                value += better * self.effects[practice_id].get(key, 0.0) * habit.spread
        value = min(habit.ceiling, max(habit.floor, value))
        if habit.daily_sd and key == "csat":
            return _clipped_normal_mean(value, habit.daily_sd, habit.floor, habit.ceiling)
        return value

    def below(self, rep: SimRep, day: date) -> frozenset[str]:
        """The metrics truly below the team's target on `day`. Kept once worked out: a practice tried on a day
        changes the rep only from the next day on, and the bench asks about today or days gone."""
        known = self._below.get((rep.user_id, day))
        if known is None:
            known = frozenset(
                key for key, metric in self.metrics.items() if not self._meets(metric, self.true_value(rep, key, day))
            )
            self._below[(rep.user_id, day)] = known
        return known

    def below_over(self, rep: SimRep, days: list[date]) -> set[str]:
        """The metrics whose true value, averaged over `days`, is below target."""
        return {
            key
            for key, metric in self.metrics.items()
            if not self._meets(metric, sum(self.true_value(rep, key, day) for day in days) / len(days))
        }

    def _meets(self, metric: MetricDefinition, value: float) -> bool:
        return metric.meets(value, self.targets[metric.key])

    def customer(self, keys: frozenset[str] | set[str]) -> set[str]:
        return {key for key in keys if self.metrics[key].perspective == "customer"}

    def helpful_probability(self, rep: SimRep, practice: Practice, day: date) -> float:
        below = self.below(rep, day)
        aimed = [key for key in practice.metrics if key in below]
        gain = sum(self.effects[practice.id].get(key, 0.0) for key in aimed)
        chance = self.appeal[practice.id] + rep.taste[practice.id] + RELEVANCE * bool(aimed) + GAIN * gain
        return min(0.95, max(0.02, chance))

    def true_effect(self, practice_id: str) -> float:
        """A practice's mean true effect on the metrics it names, in units of each metric's target."""
        effects = self.effects[practice_id]
        return sum(size * HABITS[key].spread / self.targets[key] for key, size in effects.items()) / len(effects)

    # --- the rep's behaviour --------------------------------------------------------------------------

    def logged_day(self, rep: SimRep, day: date, rng: random.Random) -> dict[str, float | int]:
        """What the rep logs for `day`: every figure, drawn around their true values."""
        contacts = max(1, round(rng.gauss(rep.contacts, rep.contacts * 0.15)))

        def count(key: str) -> int:
            return _binomial(contacts, self.true_value(rep, key, day), rng)

        def average(key: str, digits: int) -> float:
            habit = HABITS[key]
            drawn = rng.gauss(self.true_value(rep, key, day), habit.daily_sd)
            return round(min(habit.ceiling, max(habit.floor, drawn)), digits)

        practices_mean = self.true_value(rep, "practices_per_day", day)
        return {
            "contacts": contacts,
            "fcr": count("fcr_rate"),
            "repeat": count("repeat_rate"),
            "csat": average("csat", 2),
            "aht": average("aht", 1),
            "complaints": count("complaint_rate"),
            "upsells": count("upsell_rate"),
            "crosssells": count("crosssell_rate"),
            "referrals": count("referral_rate"),
            "recommit": count("recommit_rate"),
            "practices": _binomial(PRACTICES_A_DAY_AT_MOST, practices_mean / PRACTICES_A_DAY_AT_MOST, rng),
        }

    def try_practice(self, rep: SimRep, practice_id: str, day: date) -> None:
        """The rep found it helpful and works it into their days: its effect starts tomorrow, once."""
        rep.tried.setdefault(practice_id, day + timedelta(days=1))


def _binomial(trials: int, chance: float, rng: random.Random) -> int:
    return sum(rng.random() < chance for _ in range(trials))


def _clipped_normal_mean(mean: float, sd: float, low: float, high: float) -> float:
    """E[clip(X, low, high)] for X ~ N(mean, sd): the logged CSAT's true mean near its ceiling of 5."""

    def upper_shortfall(bound: float) -> float:  # E[(X - bound)+]
        z = (mean - bound) / sd
        return (mean - bound) * _phi_cdf(z) + sd * _phi_pdf(z)

    def lower_shortfall(bound: float) -> float:  # E[(bound - X)+]
        z = (bound - mean) / sd
        return (bound - mean) * _phi_cdf(z) + sd * _phi_pdf(z)

    return mean - upper_shortfall(high) + lower_shortfall(low)


def _phi_cdf(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def _phi_pdf(z: float) -> float:
    return math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
