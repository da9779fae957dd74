"""Choosing a nudge: pure domain code, no Slack and no database."""

import random
from collections import Counter

from coaching.definition import default_definition
from coaching.library import default_library
from coaching.nudges import History, Votes, choose_nudge, weakest_metric

DEFINITION = default_definition()
LIBRARY = default_library()
TARGETS = {metric.key: metric.target for metric in DEFINITION.metrics}


def choose(values, seed, history=None, votes=None, days=5):
    history = history or History()
    return choose_nudge(days, values, LIBRARY, DEFINITION, TARGETS, history, votes or {}, random.Random(seed))


def test_the_focus_is_the_metric_furthest_below_target_by_weight():
    # CSAT 4.3 of 4.5 (weight 3) misses by 0.13; up-sells 3% of 5% (weight 1) by 0.40.
    values = dict(TARGETS, csat=4.3, upsell_rate=0.03)
    assert weakest_metric(values, DEFINITION, TARGETS).metric.key == "upsell_rate"
    # First-contact resolution 70% of 80% (weight 3) misses by 0.375: close behind, still second.
    values["fcr_rate"] = 0.70
    assert weakest_metric(values, DEFINITION, TARGETS).metric.key == "upsell_rate"
    values["fcr_rate"] = 0.60
    assert weakest_metric(values, DEFINITION, TARGETS).metric.key == "fcr_rate"


def test_a_lower_is_better_metric_above_target_is_a_weak_spot():
    focus = weakest_metric(dict(TARGETS, aht=16.0), DEFINITION, TARGETS)
    assert (focus.metric.key, focus.value, focus.target) == ("aht", 16.0, 8.0)


def test_no_data_means_onboarding_and_every_target_met_means_a_stretch_or_praise():
    assert choose({}, 1, days=0).kind == "onboarding"
    stretch = choose(dict(TARGETS), 1)
    assert stretch.kind == "stretch" and stretch.practice.stretch
    every_stretch = History(recent=frozenset(p.id for p in LIBRARY.stretch()))
    assert choose(dict(TARGETS), 1, every_stretch).kind == "praise"


def test_the_choice_is_the_same_under_the_same_seed():
    values = dict(TARGETS, fcr_rate=0.5)
    assert {choose(values, "seed-7").practice.id for _ in range(20)} == {choose(values, "seed-7").practice.id}
    assert len({choose(values, f"seed-{n}").practice.id for n in range(50)}) > 3


def test_recent_practices_are_not_repeated_until_every_one_has_been_given():
    values = dict(TARGETS, fcr_rate=0.5)
    aimed = {p.id for p in LIBRARY.for_metric("fcr_rate") if not p.only_when_below or "fcr_rate" in p.only_when_below}
    given = set()
    for day in range(len(aimed)):
        practice = choose(values, day, History(recent=frozenset(given))).practice.id
        assert practice not in given
        given.add(practice)
    assert choose(values, 99, History(recent=frozenset(given))).practice.id in aimed


def test_a_conditional_practice_waits_until_its_condition_metric_misses_target():
    # "Never rush" aims at handle time, but only while CSAT is below target too.
    assert LIBRARY.by_id()["aht-never-rush"].only_when_below == ("csat",)
    slow_but_loved = dict(TARGETS, aht=20.0)
    slow_and_slipping = dict(TARGETS, aht=20.0, csat=4.4)
    assert "aht-never-rush" not in {choose(slow_but_loved, seed).practice.id for seed in range(300)}
    assert "aht-never-rush" in {choose(slow_and_slipping, seed).practice.id for seed in range(300)}


def test_feedback_from_the_team_steers_later_choices():
    values = dict(TARGETS, csat=3.5)
    baseline = Counter(choose(values, seed).practice.id for seed in range(300))
    favourite = min(baseline, key=baseline.get)
    liked = {favourite: Votes(helpful=25)}
    steered = Counter(choose(values, seed, votes=liked).practice.id for seed in range(300))
    assert steered[favourite] > 3 * max(baseline[favourite], 1)

    disliked = {favourite: Votes(not_for_me=25)}
    assert (
        Counter(choose(values, seed, votes=disliked).practice.id for seed in range(300))[favourite]
        <= baseline[favourite]
    )


def test_a_practice_the_rep_rejected_is_never_chosen_for_them():
    values = dict(TARGETS, csat=3.5)
    rejected = choose(values, 3).practice.id
    history = History(rejected=frozenset({rejected}))
    assert rejected not in {choose(values, seed, history).practice.id for seed in range(300)}
