"""Properties of the pure rules behind a lead's summary, recognition and measured effects."""

import random
from statistics import fmean

from hypothesis import given, settings
from hypothesis import strategies as st

from coaching.definition import default_definition
from coaching.effects import (
    Change,
    Start,
    baseline_adjusted,
    effect_against_hold_out,
    pooled_spread,
    student_t_quantile,
)
from coaching.evidence import Sample, probability_worse
from coaching.feedback import MeasuredChanges
from coaching.recognition import RECENT_CONFIDENCE, RECOGNITION_CONFIDENCE, balanced_week
from coaching.scorecard import Figures
from coaching.scoring import BalancedScore
from coaching.summary import RISK_CONFIDENCE, pooled, risks, team_score
from coaching.unusual import unusual_figures

DEFINITION = default_definition()
TARGETS = DEFINITION.default_targets()
BY_KEY = DEFINITION.by_key()


@st.composite
def weeks_figures(draw) -> Figures:
    """A week's figures: each metric logged on 0–5 days, with any plausible value."""
    days = draw(st.integers(0, 5))
    contacts = draw(st.integers(1, 60)) * days
    samples = {}
    for metric in DEFINITION.metrics:
        logged = draw(st.integers(0, days))
        if not logged:
            samples[metric.key] = Sample(0.0, 0.0, 0.0, 0)
            continue
        weight = contacts * logged / days
        if metric.kind == "rate":
            share = draw(st.floats(0, 1))
            samples[metric.key] = Sample(round(share * weight), weight, 0.0, logged)
        else:
            value = draw(st.floats(0, 10))
            spread = draw(st.floats(0, 1))
            scale = weight if metric.kind == "average" else logged
            samples[metric.key] = Sample(value * scale, scale, (value * value + spread * spread) * scale, logged)
    return Figures(days, samples)


@given(weeks_figures(), st.lists(weeks_figures(), max_size=3), st.sets(st.sampled_from(sorted(BY_KEY))))
def test_recognition_never_names_a_rep_with_a_customer_metric_below_target(now, earlier, in_use):
    evidence, recent = pooled([now, *earlier]), pooled([now, *earlier[:1]])
    if balanced_week(now, evidence, recent, in_use, DEFINITION, TARGETS):
        for metric in DEFINITION.metrics:
            value = now.samples[metric.key].value
            if metric.perspective == "customer" or metric.key in in_use:
                assert now.samples[metric.key].days >= 4
            if metric.perspective == "customer":
                assert value is not None and metric.meets(value, TARGETS[metric.key])
                target = TARGETS[metric.key]
                assert probability_worse(metric, evidence[metric.key], target) <= 1 - RECOGNITION_CONFIDENCE
                assert probability_worse(metric, recent[metric.key], target) <= 1 - RECENT_CONFIDENCE
        assert now.contacts >= DEFINITION.recognition_min_contacts


@given(st.lists(weeks_figures(), min_size=4, max_size=4))
def test_a_rep_is_at_risk_only_on_a_customer_metric_likely_below_target(weeks):
    evidence = pooled(weeks)
    for risk in risks(weeks, DEFINITION, TARGETS):
        if risk.kind == "stopped_logging":
            assert weeks[0].days == 0
            continue
        metric = risk.metric
        assert metric is not None and metric.perspective == "customer"
        below = [
            value is not None and not metric.meets(value, TARGETS[metric.key])
            for value in (week.samples[metric.key].value for week in weeks[:3])
        ]
        assert risk.weeks_below == sum(below)
        likely = probability_worse(metric, evidence[metric.key], TARGETS[metric.key])
        this_week = weeks[0].samples[metric.key].value
        below_now = this_week is not None and not metric.meets(this_week, TARGETS[metric.key])
        assert likely >= DEFINITION.focus_confidence or (below_now and likely >= RISK_CONFIDENCE)
        if risk.kind == "falling":
            assert below_now and risk.value == this_week


@given(weeks_figures(), st.lists(weeks_figures(), max_size=8))
def test_only_better_than_usual_is_unusual_and_a_week_like_the_rep_s_own_never_is(now, earlier):
    past = [(week.samples, week.days) for week in earlier if week.days]
    for odd in unusual_figures(now.samples, now.days, past, DEFINITION):
        if odd.metric is not None:
            assert (odd.value > odd.usual) == (odd.metric.direction == "higher")
    same = [(now.samples, now.days)] * 8 if now.days else []
    assert unusual_figures(now.samples, now.days, same, DEFINITION) == ()


@given(st.lists(st.one_of(st.none(), st.floats(0, 100)), max_size=12))
def test_the_team_score_is_the_mean_of_its_reps_scores(values):
    scores = [BalancedScore(value) for value in values]
    known = [value for value in values if value is not None]
    result = team_score(scores)
    if not known:
        assert result is None
    else:
        assert result is not None and min(known) - 0.05 <= result <= max(known) + 0.05


def test_student_t_quantiles_match_the_tables():
    assert round(student_t_quantile(0.975, 1), 3) == 12.706
    assert round(student_t_quantile(0.975, 6), 3) == 2.447
    assert round(student_t_quantile(0.975, 1_000_000), 2) == 1.96


@settings(max_examples=8, deadline=None)
@given(
    treated=st.integers(3, 30),
    held_out=st.integers(3, 12),
    treated_spread=st.floats(0.05, 1),
    held_spread=st.floats(0.05, 1),
    shared=st.floats(-1, 1),
    seed=st.integers(0, 2**32),
)
def test_with_no_effect_the_interval_covers_zero_at_its_nominal_rate(
    treated, held_out, treated_spread, held_spread, shared, seed
):
    """Nudged and held-out changes from the same distribution's mean (regression to the mean included in
    `shared`): the 95% interval holds zero about 95% of the time, whatever the sizes and spreads."""
    rng = random.Random(seed)
    runs = 400
    covered = 0
    for _ in range(runs):
        nudged = [Change("csat", rng.gauss(shared, treated_spread)) for _ in range(treated)]
        control = {"csat": [rng.gauss(shared, held_spread) for _ in range(held_out)]}
        effect = effect_against_hold_out(nudged, control)
        assert effect is not None
        covered += effect.low <= 0 <= effect.high
    # 400 runs at 95%: a spread of about 1.1 points; Welch's approximation may lose a point or two at 3 a side.
    assert 0.90 <= covered / runs <= 0.99


@settings(max_examples=8, deadline=None)
@given(nudged=st.integers(3, 30), held_out=st.integers(3, 12), shared=st.floats(-1, 1), seed=st.integers(0, 2**32))
def test_with_no_effect_the_interval_on_a_pooled_spread_covers_zero_at_its_nominal_rate(nudged, held_out, shared, seed):
    rng = random.Random(seed)
    runs = 400
    covered = 0
    for _ in range(runs):
        practice = [rng.gauss(shared, 0.5) for _ in range(nudged)]
        others = [rng.gauss(shared, 0.5) for _ in range(20)]
        control = [rng.gauss(shared, 0.5) for _ in range(held_out)]
        spreads = {"csat": pooled_spread([practice, others, control])}
        effect = effect_against_hold_out([Change("csat", value) for value in practice], {"csat": control}, spreads)
        assert effect is not None
        covered += effect.low <= 0 <= effect.high
    assert 0.91 <= covered / runs <= 0.99


def test_a_practice_is_called_only_once_coaching_on_its_metric_differs_from_the_hold_out():
    """One practice far above the held-out days, another as far below: the metric's coaching as a whole does not
    differ, so neither practice is called, though the first one's own interval excludes zero."""
    held = [0.0, 0.1, -0.1, 0.05, -0.05]
    changes = MeasuredChanges(
        {
            "good": [Change("csat", value) for value in (0.5, 0.6, 0.4, 0.55, 0.45)],
            "bad": [Change("csat", value) for value in (-0.5, -0.6, -0.4, -0.55, -0.45)],
        },
        {"csat": held},
    )
    good = changes.practice_effect("good")
    assert good is not None and good.significant and not good.shown
    metric = changes.metric_effect("csat")
    assert metric is not None and not metric.shown
    alone = MeasuredChanges({"good": changes.by_practice["good"]}, {"csat": held}).practice_effect("good")
    assert alone is not None and alone.shown


def test_an_effect_needs_enough_on_both_sides():
    assert effect_against_hold_out([Change("csat", 0.1)] * 5, {"csat": [0.0, 0.1]}) is None
    assert effect_against_hold_out([Change("csat", 0.1)] * 2, {"csat": [0.0, 0.1, 0.2]}) is None
    assert effect_against_hold_out([Change("csat", 0.1)] * 3, {"fcr_rate": [0.0, 0.1, 0.2]}) is None


@given(
    nudged=st.lists(st.floats(0.3, 1.2), min_size=3, max_size=30),
    held_out=st.lists(st.floats(0.3, 1.2), min_size=3, max_size=12),
    recovery=st.floats(0, 1),
    effect=st.floats(-0.5, 0.5),
)
def test_the_baseline_adjustment_removes_regression_to_the_mean_whatever_the_arms_baselines(
    nudged, held_out, recovery, effect
):
    """Each figure recovers towards 1 (on target) by `recovery` of its gap, and coaching adds `effect`: however the
    held-out baselines differ from the nudged ones, the adjusted arms differ by the effect and nothing else, and each
    metric's mean change is kept."""
    starts = [Start("csat", recovery * (1 - b) + effect, b, False) for b in nudged] + [
        Start("csat", recovery * (1 - b), b, True) for b in held_out
    ]
    adjusted = baseline_adjusted(starts)
    treated, control = adjusted[: len(nudged)], adjusted[len(nudged) :]
    if len(set(nudged)) > 1 or len(set(held_out)) > 1:
        assert abs(fmean(treated) - fmean(control) - effect) < 1e-6
    assert abs(fmean(adjusted) - fmean(start.change for start in starts)) < 1e-6


def test_a_held_out_figure_that_started_lower_is_not_read_as_coaching_doing_harm():
    # Nothing works; every figure recovers half its gap to target. The held-out days happened to start lower.
    starts = [Start("upsell_rate", 0.5 * (1 - b), b, False) for b in (0.8, 0.9, 0.85, 0.95)] + [
        Start("upsell_rate", 0.5 * (1 - b), b, True) for b in (0.6, 0.7, 0.65)
    ]
    raw = fmean(s.change for s in starts if not s.held_out) - fmean(s.change for s in starts if s.held_out)
    adjusted = baseline_adjusted(starts)
    assert raw < -0.05
    assert abs(fmean(adjusted[:4]) - fmean(adjusted[4:])) < 1e-9
