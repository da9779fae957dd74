"""The overall score is balanced: efficiency never lifts it while the customer side slips."""

from hypothesis import given, settings
from hypothesis import strategies as st

from coaching.definition import default_definition
from coaching.scorecard import balanced_score

DEFINITION = default_definition()
TARGETS = {metric.key: metric.target for metric in DEFINITION.metrics}
CUSTOMER = [metric for metric in DEFINITION.metrics if metric.perspective == "customer"]
OTHERS = [metric for metric in DEFINITION.metrics if metric.perspective != "customer"]


def plausible(metric):
    if metric.key == "csat":
        return st.floats(1, 5)
    if metric.kind == "rate":
        return st.floats(0, 1)
    if metric.key == "aht":
        return st.floats(0.5, 60)
    return st.floats(0, 5)


all_values = st.fixed_dictionaries({metric.key: plausible(metric) for metric in DEFINITION.metrics})


def worse_below_target(metric, value: float, fraction: float) -> float:
    """A value worse than both `value` and the target."""
    target = TARGETS[metric.key]
    if metric.direction == "higher":
        bound = min(value, target)
        return bound * fraction
    bound = max(value, target)
    return bound + (1 - fraction) * 10 + 1e-6


def better(metric, value: float, fraction: float) -> float:
    if metric.direction == "higher":
        return value + (1 - fraction) * 10
    return value * fraction


def score(values) -> float:
    return balanced_score(values, DEFINITION, TARGETS).value


@settings(max_examples=300, deadline=None)
@given(
    before=all_values,
    slipping=st.sampled_from(CUSTOMER),
    drop=st.floats(0, 0.999),
    gains=st.dictionaries(st.sampled_from([m.key for m in OTHERS]), st.floats(0.01, 0.999), min_size=1),
)
def test_score_cannot_rise_when_a_customer_metric_falls_below_target_while_efficiency_improves(
    before, slipping, drop, gains
):
    after = dict(before)
    after[slipping.key] = worse_below_target(slipping, before[slipping.key], drop)
    by_key = DEFINITION.by_key()
    for key, fraction in gains.items():
        after[key] = better(by_key[key], before[key], fraction)

    assert score(after) <= score(before)


def test_meeting_every_target_scores_100_and_overshooting_one_cannot_hide_another():
    assert score(TARGETS) == 100
    fast_but_unresolved = dict(TARGETS, aht=1.0, fcr_rate=0.4)
    assert score(fast_but_unresolved) < 100


def test_halving_handle_time_while_csat_drops_is_not_improving():
    before = dict(TARGETS, aht=10.0, csat=4.6)
    after = dict(TARGETS, aht=5.0, csat=4.2)
    assert score(after) < score(before)
    assert balanced_score(after, DEFINITION, TARGETS).customer_below_target == ("csat",)


def test_figures_not_logged_are_left_out_rather_than_counted_as_zero():
    assert score({"csat": 4.5}) == 100
    assert score({}) is None
