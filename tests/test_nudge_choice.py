"""Choosing a nudge: customer first, only at what is likely below target, never repeated by accident, never false
praise. Pure domain code, no Slack and no database."""

import random
from collections import Counter
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from coaching.definition import default_definition
from coaching.evidence import Sample
from coaching.library import default_library
from coaching.nudges import NO_REPEAT, Given, History, Votes, choose_nudge, standing

DEFINITION = default_definition()
LIBRARY = default_library()
TARGETS = DEFINITION.default_targets()
BY_KEY = DEFINITION.by_key()
TODAY = date(2026, 12, 7)
# Every figure a clear margin better than its target.
COMFORTABLE = {
    key: target * 1.3 if BY_KEY[key].direction == "higher" else target * 0.6 for key, target in TARGETS.items()
} | {"csat": 4.7, "fcr_rate": 0.92, "practices_per_day": 1.0}


def samples(values, days=20, contacts=30):
    """Figures from `days` logged days of `contacts` each, with a typical day-to-day spread."""
    found = {}
    for key, value in values.items():
        metric = BY_KEY[key]
        if metric.kind == "rate":
            weight = days * contacts
            found[key] = Sample(value * weight, weight, 0.0, days)
        else:
            weight = days * contacts if metric.kind == "average" else days
            spread = metric.day_spread
            found[key] = Sample(value * weight, weight, (value**2 + spread**2) * weight, days)
    return found


def choose(values, seed, history=None, votes=None, days=20, contacts=30, today=TODAY, keep_focus=None):
    return choose_nudge(
        days_logged=days,
        samples=samples(values, days, contacts),
        library=LIBRARY,
        definition=DEFINITION,
        targets=TARGETS,
        history=history or History(),
        votes=votes or {},
        rng=random.Random(seed),
        today=today,
        keep_focus=keep_focus,
    )


def given_on(*practice_ids, day=TODAY - timedelta(days=1), times=1):
    return {practice_id: Given(day, times) for practice_id in practice_ids}


def test_a_customer_metric_below_target_comes_before_any_other():
    # Up-sells at 3% of 5% fall further short than CSAT 4.3 of 4.5, but the customer comes first.
    values = dict(TARGETS, csat=4.3, upsell_rate=0.03)
    assert choose(values, 1).focus.metric.key == "csat"
    assert standing(samples(values), DEFINITION, TARGETS).focuses[0].metric.key == "csat"


def test_among_the_other_perspectives_the_largest_weighted_shortfall_comes_first():
    values = dict(TARGETS, upsell_rate=0.03, fcr_rate=0.70)
    assert choose(values, 1).focus.metric.key == "upsell_rate"
    assert choose(dict(values, fcr_rate=0.60), 1).focus.metric.key == "fcr_rate"


def test_a_sure_gap_comes_before_a_doubtful_one_a_little_larger():
    # Up-sells 4% of 5% (20% short, weight 1) against first-contact resolution 75% of 80% (6% short, weight 3, so
    # 0.19): on 15 days of 30 contacts the up-sell gap is only about 83% likely, four weeks make the other sure.
    doubtful = samples(dict(TARGETS, upsell_rate=0.04), days=15)
    sure = samples(dict(TARGETS, fcr_rate=0.75), days=28, contacts=40)
    where = standing(doubtful | {"fcr_rate": sure["fcr_rate"]}, DEFINITION, TARGETS)
    assert [focus.metric.key for focus in where.focuses] == ["fcr_rate", "upsell_rate"]
    # As sure as the other, the larger weighted gap comes first.
    where = standing(samples(dict(TARGETS, upsell_rate=0.04, fcr_rate=0.75), days=28, contacts=40), DEFINITION, TARGETS)
    assert [focus.metric.key for focus in where.focuses] == ["upsell_rate", "fcr_rate"]


def test_a_handful_of_contacts_does_not_decide_the_aim():
    # Two up-sells in 40 contacts is below a 5% target, but not yet likely so; four weeks at that rate are.
    values = dict(TARGETS, upsell_rate=0.04)
    thin = standing(samples(values, days=2, contacts=20), DEFINITION, TARGETS)
    assert not thin.focuses and thin.tentative.metric.key == "upsell_rate"
    assert choose(values, 1, days=2, contacts=20).focus.thin
    assert standing(samples(values, days=28, contacts=40), DEFINITION, TARGETS).focuses[0].metric.key == "upsell_rate"


def test_a_customer_metric_more_likely_below_than_not_is_the_focus_and_says_how_little_it_rests_on():
    # One complaint in 40 contacts is above a 2% target and only about 66% likely truly so: customers come first in
    # doubt too, ahead of a handle time 25% over target, and the nudge says it rests on two days.
    values = dict(TARGETS, complaint_rate=0.025, aht=10.0)
    choice = choose(values, 1, days=2, contacts=20)
    assert DEFINITION.customer_focus_confidence <= 0.66 < DEFINITION.focus_confidence
    assert choice.focus.metric.key == "complaint_rate" and choice.focus.thin


def test_no_data_means_onboarding_and_every_target_met_means_a_stretch_or_praise():
    assert choose({}, 1, days=0).kind == "onboarding"
    stretch = choose(COMFORTABLE, 1)
    assert stretch.kind == "stretch" and stretch.practice.stretch
    every_stretch = History(given=given_on(*(p.id for p in LIBRARY.stretch())))
    assert choose(COMFORTABLE, 1, every_stretch).kind == "praise"
    # On target by a hair is not a sure "every target met": nothing is sent rather than a claim.
    assert choose(dict(TARGETS), 1).kind == "rest"


def test_a_rep_who_logs_only_some_figures_is_never_told_every_target_is_met():
    partial = {key: COMFORTABLE[key] for key in ("csat", "fcr_rate", "aht")}
    choice = choose(partial, 1)
    assert choice.kind == "incomplete"
    assert {metric.key for metric in choice.missing} == set(TARGETS) - set(partial)


def test_the_choice_is_the_same_under_the_same_seed():
    values = dict(TARGETS, fcr_rate=0.5)
    assert {choose(values, "seed-7").practice.id for _ in range(20)} == {choose(values, "seed-7").practice.id}
    assert len({choose(values, f"seed-{n}").practice.id for n in range(50)}) > 3


def test_no_practice_comes_back_within_21_days_and_an_exhausted_metric_hands_over_to_the_next():
    values = dict(TARGETS, fcr_rate=0.5, upsell_rate=0.02)
    history: dict[str, Given] = {}
    aims = []
    fcr_practices = [p for p in LIBRARY.for_metric("fcr_rate") if not p.only_when_below]
    upsell_practices = [p for p in LIBRARY.for_metric("upsell_rate") if not p.only_when_below]
    for day in range(NO_REPEAT.days - 1):
        today = TODAY + timedelta(days=day)
        choice = choose(values, day, History(given=history), today=today)
        if choice.kind == "rest":
            break
        assert choice.kind == "practice"
        had = history.get(choice.practice.id)
        assert had is None or today - had.last >= NO_REPEAT
        history[choice.practice.id] = Given(today, 1)
        aims.append(choice.focus.metric.key)
    # First-contact resolution's practices first, then up-sells', each once.
    assert aims[: len(fcr_practices)] == ["fcr_rate"] * len(fcr_practices)
    assert "upsell_rate" in aims and len(set(history)) == len(history)
    if len(fcr_practices) + len(upsell_practices) < NO_REPEAT.days - 1:
        assert choice.kind == "rest"  # nothing fresh left for either: no repeat, and no false praise


def test_a_practice_found_helpful_comes_back_as_a_review_at_growing_intervals():
    values = dict(TARGETS, csat=4.0)
    first = choose(values, 1)
    helped = History(
        given=given_on(first.practice.id, day=TODAY - timedelta(days=21)), helpful=frozenset({first.practice.id})
    )
    review = choose(values, 1, helped)
    assert (review.kind, review.practice.id) == ("review", first.practice.id)
    reviewed_once = History(
        given=given_on(first.practice.id, day=TODAY - timedelta(days=30), times=2),
        helpful=frozenset({first.practice.id}),
    )
    assert choose(values, 1, reviewed_once).practice.id != first.practice.id
    later = History(
        given=given_on(first.practice.id, day=TODAY - timedelta(days=42), times=2),
        helpful=frozenset({first.practice.id}),
    )
    assert choose(values, 1, later).kind == "review"


def test_the_week_focus_is_kept_while_it_is_still_below_target():
    values = dict(TARGETS, csat=4.4, complaint_rate=0.05)
    assert choose(values, 1).focus.metric.key == "complaint_rate"
    assert choose(values, 1, keep_focus="csat").focus.metric.key == "csat"
    recovered = dict(values, csat=4.6)
    assert choose(recovered, 1, keep_focus="csat").focus.metric.key == "complaint_rate"


def test_a_conditional_practice_waits_until_its_condition_metric_misses_target():
    # "Never rush" aims at handle time, but only while CSAT is below target too.
    assert LIBRARY.by_id()["aht-never-rush"].only_when_below == ("csat",)
    slow_but_loved = dict(TARGETS, aht=20.0)
    slow_and_slipping = dict(TARGETS, aht=20.0, csat=4.4)
    chosen_slow = {choose(slow_but_loved, seed).practice.id for seed in range(300)}
    assert "aht-never-rush" not in chosen_slow
    chosen_slipping = {choose(slow_and_slipping, seed, keep_focus="aht").practice.id for seed in range(300)}
    assert "aht-never-rush" in chosen_slipping


def test_feedback_from_the_team_steers_later_choices():
    values = dict(TARGETS, csat=3.5)
    baseline = Counter(choose(values, seed).practice.id for seed in range(300))
    favourite = min(baseline, key=baseline.get)
    liked = {favourite: Votes(helpful=25)}
    steered = Counter(choose(values, seed, votes=liked).practice.id for seed in range(300))
    assert steered[favourite] > 3 * max(baseline[favourite], 1)

    disliked = {favourite: Votes(not_helpful=25)}
    assert (
        Counter(choose(values, seed, votes=disliked).practice.id for seed in range(300))[favourite]
        <= baseline[favourite]
    )


def test_a_practice_the_rep_rejected_is_never_chosen_for_them():
    values = dict(TARGETS, csat=3.5)
    rejected = choose(values, 3).practice.id
    history = History(rejected=frozenset({rejected}))
    assert rejected not in {choose(values, seed, history).practice.id for seed in range(300)}


def plausible(metric):
    target = TARGETS[metric.key]
    if metric.key == "csat":
        return st.floats(3.0, 5.0)
    if metric.kind == "rate":
        return st.floats(0, min(1.0, target * 3))
    return st.floats(target * 0.2, target * 3)


@settings(max_examples=300, deadline=None)
@given(
    values=st.fixed_dictionaries({m.key: plausible(m) for m in DEFINITION.metrics}),
    days=st.integers(1, 28),
    contacts=st.integers(5, 50),
    recent=st.sets(st.sampled_from([p.id for p in LIBRARY.practices]), max_size=40),
    seed=st.integers(0, 1000),
)
def test_any_rep_gets_customer_first_aim_no_repeat_and_no_false_praise(values, days, contacts, recent, seed):
    history = History(given=given_on(*recent, day=TODAY - timedelta(days=3)))
    choice = choose(values, seed, history, days=days, contacts=contacts)
    where = standing(samples(values, days, contacts), DEFINITION, TARGETS)
    if choice.practice is not None:
        assert choice.practice.id not in recent
    if choice.kind in ("stretch", "praise"):
        assert all(BY_KEY[key].meets(value, TARGETS[key]) for key, value in values.items())
    if choice.kind in ("practice", "review"):
        assert not BY_KEY[choice.focus.metric.key].meets(
            values[choice.focus.metric.key], TARGETS[choice.focus.metric.key]
        )
        # A likely-below customer metric with a fresh practice always comes first.
        customer_with_fresh = [
            focus
            for focus in where.focuses
            if focus.metric.perspective == "customer"
            and any(not p.only_when_below and p.id not in recent for p in LIBRARY.for_metric(focus.metric.key))
        ]
        if customer_with_fresh:
            assert choice.focus.metric.perspective == "customer"
        if where.focuses:
            customer = choice.focus.metric.perspective == "customer"
            needed = DEFINITION.customer_focus_confidence if customer else DEFINITION.focus_confidence
            assert choice.focus.likelihood >= needed
    # Customer first, then the largest expected weighted shortfall; a figure on target is never a focus.
    ranks = [
        (
            focus.metric.perspective != "customer",
            -focus.likelihood * focus.metric.weight * focus.metric.missed_share(focus.value, focus.target),
        )
        for focus in where.focuses
    ]
    assert ranks == sorted(ranks)
    assert all(not focus.metric.meets(focus.value, focus.target) for focus in where.focuses)
