"""`python -m bench ceiling`: how much the logged figures can tell, whatever rule reads them (issues 14 and 15).

`bench coaching` asks the coaching to aim nine nudges in ten at a customer metric when one is truly below target,
and the lead's summary to flag nine struggling reps in ten at 80% precision. Whether any rule can is a question
about the data, not the code: this bench draws the same simulated reps (bench/simulation.py's World and its
`logged_day` draws, with the same logging habits), without Slack, a database or any nudge, and asks, for each rep
on each Monday, what the figures logged in the window the product reads (the 28 days before) say through
coaching/evidence.py's own posterior. Nobody tries a practice here, so the truth moves only by the reps' trends.

It reports, per threshold of "probability below target":
- of the customer metrics truly below target that day, the share flagged (recall), and of those flagged, the share
  truly below (precision); with the best recall any threshold reaches at 90% precision;
- of rep-days with a customer metric truly below, the share where some customer metric is flagged: the most often
  a customer-first rule at that threshold can aim at a customer metric;
- how far below target the missed ones truly are: a metric a few percent short cannot be told from on target;
- the same for the lead's at-risk flag, judged as `bench coaching` judges it (a customer metric below target on the
  mean of the week's working days), over evidence windows of two to four weeks ending with that week;
- what knowing each window's true mean exactly would give: the ceiling left by trends alone;
- for recognition rules (how sure four weeks, and the last two, must make every customer metric on target), how
  many rep-weeks may be celebrated and how many of those were truly struggling.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

from bench.coaching import FIRST_MONDAY
from bench.common import AtLeast, Report, Target, print_machine
from bench.simulation import WORLDS, SimRep, World, WorldKind
from bot.entrypoints.arguments import positive_int
from coaching.definition import MetricDefinition, ScorecardDefinition, default_definition
from coaching.evidence import Sample, probability_worse
from coaching.library import default_library
from coaching.summary import EVIDENCE_WEEKS, RISK_CONFIDENCE

THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)
# The thresholds searched for the best recall at the targets' precision.
FINE = tuple(step / 100 for step in range(30, 100))
WINDOW_DAYS = 28
RISK_WINDOWS_WEEKS = (2, 3, 4)
TARGET_SHARE = 90.0
RISK_PRECISION = 80.0
# Recognition: (how sure four weeks must make each customer metric on target, how sure the last two), the product's
# rule first. A rep-week may be celebrated only with at least this many logged days and contacts, every customer
# figure on target that week, and both posteriors that sure (coaching/recognition.py).
RECOGNITION_RULES = ((0.9, 0.95), (0.9, 0.0), (0.9, 0.9), (0.9, 0.98), (0.98, 0.98))
RECOGNITION_DAYS, RECOGNITION_CONTACTS = 4, 60

Day = dict[str, float | int]


@dataclass
class Judged:
    """(probability below, truly below, shortfall as a share of target, below on the window's true mean) per case."""

    cases: list[tuple[float, bool, float, bool]] = field(default_factory=list)

    def recall(self, threshold: float) -> float | None:
        below = [p for p, truly, _, _ in self.cases if truly]
        return _share(sum(p >= threshold for p in below), len(below))

    def precision(self, threshold: float) -> float | None:
        flagged = [truly for p, truly, _, _ in self.cases if p >= threshold]
        return _share(sum(flagged), len(flagged))

    def best_recall_at(self, precision: float) -> float:
        found = [
            recall
            for threshold in FINE
            if (recall := self.recall(threshold)) is not None
            and (reached := self.precision(threshold)) is not None
            and reached >= precision
        ]
        return max(found, default=0.0)

    def missed_shortfall(self, threshold: float) -> float | None:
        missed = [short for p, truly, short, _ in self.cases if truly and p < threshold]
        return 100 * median(missed) if missed else None

    def known_mean(self) -> tuple[float | None, float | None]:
        """Recall and precision of "below on the window's true mean", had the figures no noise at all."""
        below = [known for _, truly, _, known in self.cases if truly]
        flagged = [truly for _, truly, _, known in self.cases if known]
        return _share(sum(below), len(below)), _share(sum(flagged), len(flagged))


def _share(part: float, whole: float) -> float | None:
    return 100 * part / whole if whole else None


def sample(metric: MetricDefinition, days: Sequence[Day]) -> Sample:
    """What `days` make of one metric, as coaching.scorecard aggregates it."""
    logged = [day for day in days if metric.source in day]
    if metric.kind == "rate":
        return Sample(
            sum(float(day[metric.source]) for day in logged), sum(float(d["contacts"]) for d in logged), 0, len(logged)
        )
    if metric.kind == "average":
        values = [(float(day[metric.source]), float(day["contacts"])) for day in logged]
        return Sample(
            sum(v * w for v, w in values), sum(w for _, w in values), sum(v * v * w for v, w in values), len(logged)
        )
    values_per_day = [float(day[metric.source]) for day in logged]
    return Sample(sum(values_per_day), len(values_per_day), sum(v * v for v in values_per_day), len(logged))


@dataclass
class Seed:
    """One world's reps, what they logged each working day, and the judged cases."""

    world: World
    definition: ScorecardDefinition
    weeks: int
    logs: dict[str, dict[date, Day]] = field(default_factory=dict)

    @classmethod
    def draw(cls, kind: WorldKind, seed: int, reps: int, weeks: int) -> Seed:
        definition = default_definition()
        world = World(kind, seed, reps, FIRST_MONDAY, definition, default_library(), definition.default_targets())
        # Each rep logs a working day with their own habit's chance, as in bench coaching (its draws interleave with
        # the buttons there, so the days logged differ, not how many).
        rng = random.Random(f"habits:{kind}:{seed}")
        found = cls(world, definition, weeks)
        for rep in world.reps:
            found.logs[rep.user_id] = {}
        for day in working_days(weeks):
            for rep in world.reps:
                if rng.random() < rep.logs:
                    found.logs[rep.user_id][day] = world.logged_day(rep, day, rng)
        return found

    def between(self, rep: SimRep, first: date, last: date) -> list[Day]:
        return [values for day, values in self.logs[rep.user_id].items() if first <= day <= last]

    def customer(self) -> list[MetricDefinition]:
        return [metric for metric in self.definition.metrics if metric.perspective == "customer"]

    def shortfall(self, metric: MetricDefinition, value: float) -> float:
        return metric.missed_share(value, self.world.targets[metric.key])

    def mean_truth(self, rep: SimRep, metric: MetricDefinition, days: Iterable[date]) -> float:
        chosen = list(days)
        return sum(self.world.true_value(rep, metric.key, day) for day in chosen) / len(chosen)


def working_days(weeks: int) -> list[date]:
    return [FIRST_MONDAY + timedelta(weeks=week, days=weekday) for week in range(weeks) for weekday in range(5)]


@dataclass
class Tallies:
    focus: Judged = field(default_factory=Judged)
    # Per rep-day with a customer metric truly below: the highest posterior among customer metrics.
    customer_due: list[float] = field(default_factory=list)
    risk: dict[int, Judged] = field(default_factory=dict)
    # Per recognition rule: the rep-weeks it lets be celebrated, and how many of them were truly struggling.
    celebrated: dict[tuple[float, float], list[int]] = field(default_factory=dict)
    # The product's at-risk rule (coaching.summary.risks, by level), as a flag of 0 or 1 per rep-week.
    product_risk: Judged = field(default_factory=Judged)


def judge(found: Seed) -> Tallies:
    tallies = Tallies(
        risk={weeks: Judged() for weeks in RISK_WINDOWS_WEEKS}, celebrated={rule: [0, 0] for rule in RECOGNITION_RULES}
    )
    for rep in found.world.reps:
        for week in range(1, found.weeks):
            recognise(found, rep, FIRST_MONDAY + timedelta(weeks=week), tallies.celebrated)
    world, targets = found.world, found.world.targets
    mondays = [FIRST_MONDAY + timedelta(weeks=week) for week in range(1, found.weeks)]
    for rep in world.reps:
        for monday in mondays:
            # The start day's focus: the 28 days before it, judged on the day.
            first, last = monday - timedelta(days=WINDOW_DAYS), monday - timedelta(days=1)
            window = found.between(rep, first, last)
            if not window:
                continue
            window_days = [
                first + timedelta(days=offset)
                for offset in range(WINDOW_DAYS)
                if (first + timedelta(days=offset)).weekday() < 5
            ]
            window_days = [day for day in window_days if day >= world.first_day]
            truly = world.below(rep, monday)
            highest = 0.0
            for metric in found.customer():
                p = probability_worse(metric, sample(metric, window), targets[metric.key])
                value = world.true_value(rep, metric.key, monday)
                known = not metric.meets(found.mean_truth(rep, metric, window_days), targets[metric.key])
                tallies.focus.cases.append((p, metric.key in truly, found.shortfall(metric, value), known))
                if metric.key in truly:
                    highest = max(highest, p)
            if world.customer(truly):
                tallies.customer_due.append(highest)
            # The lead's summary of the week before this Monday, judged on that week's mean.
            week_start = monday - timedelta(weeks=1)
            week_days = [week_start + timedelta(days=offset) for offset in range(5)]
            struggling = world.customer(world.below_over(rep, week_days))
            for weeks, judged in tallies.risk.items():
                evidence = found.between(rep, monday - timedelta(weeks=weeks), monday - timedelta(days=1))
                if not evidence or not found.between(rep, week_start, monday - timedelta(days=1)):
                    continue
                evidence_days = [d for d in working_days(found.weeks) if monday - timedelta(weeks=weeks) <= d < monday]
                flag, known = 0.0, False
                for metric in found.customer():
                    p = probability_worse(metric, sample(metric, evidence), targets[metric.key])
                    flag = max(flag, p)
                    known = known or not metric.meets(found.mean_truth(rep, metric, evidence_days), targets[metric.key])
                worst = max(
                    (found.shortfall(m, found.mean_truth(rep, m, week_days)) for m in found.customer()), default=0.0
                )
                judged.cases.append((flag, bool(struggling), worst, known))
            if found.between(rep, week_start, monday - timedelta(days=1)):
                flagged = product_flags(found, rep, monday)
                tallies.product_risk.cases.append((float(flagged), bool(struggling), 0.0, False))
    return tallies


def product_flags(found: Seed, rep: SimRep, monday: date) -> bool:
    """coaching.summary's rule on the week before `monday`: a customer metric below target that week and more likely
    below than not on four weeks, or focus_confidence likely on them."""
    targets, last_week = found.world.targets, monday - timedelta(weeks=1)
    evidence = found.between(rep, monday - timedelta(weeks=EVIDENCE_WEEKS), monday - timedelta(days=1))
    week = found.between(rep, last_week, monday - timedelta(days=1))
    for metric in found.customer():
        likely = probability_worse(metric, sample(metric, evidence), targets[metric.key])
        now = sample(metric, week).value
        below_now = now is not None and not metric.meets(now, targets[metric.key])
        if likely >= found.definition.focus_confidence or (below_now and likely >= RISK_CONFIDENCE):
            return True
    return False


def recognise(found: Seed, rep: SimRep, monday: date, celebrated: dict[tuple[float, float], list[int]]) -> None:
    """Whether each recognition rule lets the rep's week from `monday` be celebrated, and whether it was struggling."""
    targets, sunday = found.world.targets, monday + timedelta(days=6)
    week = found.between(rep, monday, sunday)
    if len(week) < RECOGNITION_DAYS or sum(float(day["contacts"]) for day in week) < RECOGNITION_CONTACTS:
        return
    doubts = []
    for metric in found.customer():
        value = sample(metric, week).value
        if value is None or not metric.meets(value, targets[metric.key]):
            return
        four = sample(metric, found.between(rep, monday - timedelta(weeks=3), sunday))
        two = sample(metric, found.between(rep, monday - timedelta(weeks=1), sunday))
        doubts.append(
            (probability_worse(metric, four, targets[metric.key]), probability_worse(metric, two, targets[metric.key]))
        )
    week_days = [monday + timedelta(days=offset) for offset in range(5)]
    struggling = bool(found.world.customer(found.world.below_over(rep, week_days)))
    for (four_weeks, two_weeks), counts in celebrated.items():
        if all(four <= 1 - four_weeks and two <= 1 - two_weeks for four, two in doubts):
            counts[0] += 1
            counts[1] += struggling


def merged(parts: Sequence[Judged]) -> Judged:
    return Judged([case for part in parts for case in part.cases])


def present(values: Iterable[float | None]) -> list[float]:
    return [value for value in values if value is not None]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench ceiling", description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=positive_int, default=40, help="simulated reps (default 40)")
    parser.add_argument("--weeks", type=positive_int, default=12, help="simulated weeks (default 12)")
    parser.add_argument("--seeds", type=positive_int, default=6, help="seeds per world (default 6)")
    parser.add_argument("--seed-offset", type=int, default=0, help="first seed is this plus 1 (default 0)")
    parser.add_argument("--world", choices=(*WORLDS, "both"), default="both", help="which world (default both)")
    args = parser.parse_args(argv)
    worlds = WORLDS if args.world == "both" else (args.world,)
    seeds = range(args.seed_offset + 1, args.seed_offset + args.seeds + 1)
    print_machine(
        f"ceiling: {args.reps} simulated reps, {args.weeks} weeks, seeds {seeds.start}-{seeds.stop - 1}, "
        f"world {'+'.join(worlds)}, a {WINDOW_DAYS}-day window"
    )
    tallies = [judge(Seed.draw(kind, seed, args.reps, args.weeks)) for kind in worlds for seed in seeds]
    report = Report("ceiling")
    show(report, tallies)
    return report.summary()


def show(report: Report, tallies: Sequence[Tallies]) -> None:
    target = AtLeast(TARGET_SHARE)
    focus = [tally.focus for tally in tallies]
    print(
        f"\nthe start day's focus: customer metrics, the {WINDOW_DAYS} days logged before each Monday, "
        f"{len(tallies)} seed(s)"
    )
    for at in THRESHOLDS:
        name = f"P(below) >= {at:.1f}:"
        report.spread(
            f"{name} truly-below customer metrics flagged (recall)", present(f.recall(at) for f in focus), "%", target
        )
        report.spread(
            f"{name} flagged that truly are below (precision)", present(f.precision(at) for f in focus), "%", target
        )
        gaps = present(_share(sum(p >= at for p in t.customer_due), len(t.customer_due)) for t in tallies)
        report.spread(f"{name} rep-days with a customer gap where one is flagged", gaps, "%", target)
        report.spread(
            f"{name} missed ones, median shortfall", present(f.missed_shortfall(at) for f in focus), "% of target"
        )
    best = [f.best_recall_at(TARGET_SHARE) for f in focus]
    report.spread(f"best recall at >= {TARGET_SHARE:.0f}% precision, any threshold", best, "%", target)
    report.spread("the window's true mean known exactly: recall", present(f.known_mean()[0] for f in focus), "%")
    report.spread("the window's true mean known exactly: precision", present(f.known_mean()[1] for f in focus), "%")
    everything = merged(focus)
    missed = sorted(short for p, truly, short, _ in everything.cases if truly and p < 0.5)
    if missed:
        near = sum(short < 0.05 for short in missed)
        below = sum(truly for _, truly, _, _ in everything.cases)
        report.note(
            f"all seeds: {len(missed)} truly-below customer metrics under 50% likely below; "
            f"{100 * near / len(missed):.0f}% of them less than 5% short of target; {below} truly below of "
            f"{len(everything.cases)} metric-days"
        )
    for weeks in RISK_WINDOWS_WEEKS:
        risk = [tally.risk[weeks] for tally in tallies]
        print(
            f"\nthe lead's at-risk flag: a customer metric likely below over the last {weeks} weeks, judged on the week"
        )
        for at in THRESHOLDS:
            name = f"{weeks} wk, P(below) >= {at:.1f}:"
            report.spread(f"{name} recall", present(r.recall(at) for r in risk), "%", AtLeast(90))
            report.spread(f"{name} precision", present(r.precision(at) for r in risk), "%", AtLeast(RISK_PRECISION))
        best = [r.best_recall_at(RISK_PRECISION) for r in risk]
        report.spread(f"{weeks} wk, best recall at >= {RISK_PRECISION:.0f}% precision", best, "%", AtLeast(90))
        report.spread(
            f"{weeks} wk, the weeks' true mean known exactly: recall", present(r.known_mean()[0] for r in risk), "%"
        )
        report.spread(
            f"{weeks} wk, the weeks' true mean known exactly: precision", present(r.known_mean()[1] for r in risk), "%"
        )
    product = [tally.product_risk for tally in tallies]
    print("\nthe lead's at-risk flag as coaching.summary raises it (below target this week and 50% likely, or 80%)")
    report.spread("the product's rule: recall", present(r.recall(0.5) for r in product), "%", AtLeast(90))
    report.spread("the product's rule: precision", present(r.precision(0.5) for r in product), "%", AtLeast(80))
    print("\nrecognition: rep-weeks that may be celebrated, and of them truly struggling (per seed)")
    for rule in RECOGNITION_RULES:
        name = f"4 wk {rule[0]:.0%} sure" + (f", last 2 wk {rule[1]:.0%} sure" if rule[1] else "")
        report.spread(f"{name}: rep-weeks celebrated", [float(t.celebrated[rule][0]) for t in tallies], "", digits=1)
        report.spread(
            f"{name}: truly struggling", [float(t.celebrated[rule][1]) for t in tallies], "", Target(0), digits=1
        )
