"""The balanced score is customer first without a cliff, moves a little for a little, and logging less never pays."""

from hypothesis import given, settings
from hypothesis import strategies as st

from coaching.definition import default_definition
from coaching.scoring import balanced_score

DEFINITION = default_definition()
TARGETS = DEFINITION.default_targets()
BY_KEY = DEFINITION.by_key()
CUSTOMER = [metric for metric in DEFINITION.metrics if metric.perspective == "customer"]
OTHERS = [metric for metric in DEFINITION.metrics if metric.perspective != "customer"]
TOLERANCE = DEFINITION.customer_tolerance


def plausible(metric):
    if metric.key == "csat":
        return st.floats(1, 5)
    if metric.kind == "rate":
        return st.floats(0, 1)
    if metric.key == "aht":
        return st.floats(0.5, 60)
    return st.floats(0, 5)


all_values = st.fixed_dictionaries({metric.key: plausible(metric) for metric in DEFINITION.metrics})


def score(values) -> float:
    return balanced_score(values, DEFINITION, TARGETS).value


def clearly_below(metric, depth: float) -> float:
    """A value further below target than the tolerance: `depth` in (0, 1] says how much further."""
    short = TOLERANCE + depth * (1 - TOLERANCE) * 0.99 + 1e-6
    target = TARGETS[metric.key]
    return target * (1 - short) if metric.direction == "higher" else target / (1 - short)


@settings(max_examples=400, deadline=None)
@given(values=all_values, metric=st.sampled_from(DEFINITION.metrics), up=st.booleans())
def test_moving_one_figure_by_one_percent_of_its_target_moves_the_score_by_at_most_five_points(values, metric, up):
    step = 0.01 * TARGETS[metric.key] * (1 if up else -1)
    moved = dict(values, **{metric.key: max(values[metric.key] + step, 0.0)})
    assert abs(score(moved) - score(values)) <= 5


@settings(max_examples=400, deadline=None)
@given(values=all_values, metric=st.sampled_from(DEFINITION.metrics), amount=st.floats(0, 3))
def test_improving_one_figure_never_lowers_the_score_and_worsening_it_never_raises_it(values, metric, amount):
    better = values[metric.key] + amount if metric.direction == "higher" else values[metric.key] / (1 + amount)
    improved = dict(values, **{metric.key: better})
    assert score(improved) >= score(values)
    assert score(values) <= score(improved)
    worse = values[metric.key] / (1 + amount) if metric.direction == "higher" else values[metric.key] + amount
    assert score(dict(values, **{metric.key: worse})) <= score(values)


@settings(max_examples=300, deadline=None)
@given(
    values=all_values,
    slipping=st.sampled_from(CUSTOMER),
    depth=st.floats(0, 1),
    others=st.fixed_dictionaries({metric.key: plausible(metric) for metric in OTHERS}),
)
def test_while_a_customer_metric_is_clearly_below_target_no_other_figure_moves_the_score(
    values, slipping, depth, others
):
    held_back = dict(values, **{slipping.key: clearly_below(slipping, depth)})
    assert score(held_back) == score(held_back | others)
    assert balanced_score(held_back, DEFINITION, TARGETS).customer_gate == 0


@settings(max_examples=200, deadline=None)
@given(slipping=st.sampled_from(CUSTOMER), short=st.floats(0.001, TOLERANCE - 0.001))
def test_near_the_target_the_other_perspectives_fade_in_rather_than_switch(slipping, short):
    target = TARGETS[slipping.key]
    near = target * (1 - short) if slipping.direction == "higher" else target / (1 - short)
    values = dict(TARGETS, **{slipping.key: near})
    gate = balanced_score(values, DEFINITION, TARGETS).customer_gate
    assert 0 < gate < 1
    assert abs(gate - (1 - short / TOLERANCE)) < 1e-6


@settings(max_examples=300, deadline=None)
@given(values=all_values, left_out=st.sets(st.sampled_from([m.key for m in DEFINITION.metrics]), min_size=1))
def test_leaving_figures_out_never_scores_higher_than_logging_them_all(values, left_out):
    partial = {key: value for key, value in values.items() if key not in left_out}
    partial_score = balanced_score(partial, DEFINITION, TARGETS)
    assert partial_score.value is None or partial_score.value <= score(values)
    assert partial_score.missing == tuple(m.key for m in DEFINITION.metrics if m.key in left_out)
    assert not partial_score.meets_every_target


def test_meeting_every_target_scores_100_and_overshooting_one_cannot_hide_another():
    assert score(TARGETS) == 100
    assert balanced_score(TARGETS, DEFINITION, TARGETS).meets_every_target
    fast_but_unresolved = dict(TARGETS, aht=1.0, fcr_rate=0.4)
    assert score(fast_but_unresolved) < 100


def test_a_hair_below_the_csat_target_is_not_a_cliff():
    just_below, just_above = dict(TARGETS, csat=4.49), dict(TARGETS, csat=4.51)
    assert score(just_above) - score(just_below) < 2
    assert balanced_score(just_below, DEFINITION, TARGETS).customer_below_target == ("csat",)


def test_logging_only_contacts_and_csat_scores_below_logging_everything():
    # Before, CSAT 4.40 scored 41 with every figure logged and 98 with only CSAT.
    everything = dict(TARGETS, csat=4.40)
    assert score({"csat": 4.40}) < score(everything)
    assert score({}) is None
