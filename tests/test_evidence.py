"""How sure a figure is: a handful of contacts never looks like certainty, and more evidence is surer."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from coaching.definition import default_definition
from coaching.evidence import Sample, probability_worse, regularized_beta

BY_KEY = default_definition().by_key()


@pytest.mark.parametrize(
    ("x", "a", "b", "expected"),
    [
        # Closed forms: I_x(1, 1) = x; I_x(a, 1) = x**a; I_x(1, b) = 1 - (1 - x)**b.
        (0.3, 1, 1, 0.3),
        (0.6, 3, 1, 0.6**3),
        (0.2, 1, 4, 1 - 0.8**4),
        # Beta(0.5, 0.5) is the arcsine law: I_x = 2/pi * asin(sqrt(x)).
        (0.1, 0.5, 0.5, 2 / math.pi * math.asin(math.sqrt(0.1))),
    ],
)
def test_the_beta_distribution_matches_its_closed_forms(x, a, b, expected):
    assert regularized_beta(x, a, b) == pytest.approx(expected, abs=1e-9)


@settings(max_examples=300, deadline=None)
@given(x=st.floats(0.001, 0.999), a=st.floats(0.5, 400), b=st.floats(0.5, 400))
def test_the_beta_distribution_is_symmetric_and_bounded(x, a, b):
    value = regularized_beta(x, a, b)
    assert 0 <= value <= 1
    assert value + regularized_beta(1 - x, b, a) == pytest.approx(1, abs=1e-7)


@settings(max_examples=200, deadline=None)
@given(rate=st.floats(0.005, 0.2), contacts=st.integers(10, 400))
def test_more_contacts_at_the_same_complaint_rate_are_surer_either_way(rate, contacts):
    complaints, target = BY_KEY["complaint_rate"], 0.02
    few = probability_worse(complaints, Sample(rate * contacts, contacts, 0, 5), target)
    many = probability_worse(complaints, Sample(rate * contacts * 10, contacts * 10, 0, 50), target)
    if rate > target * 1.5:
        assert many >= few
    if rate < target / 1.5:
        assert many <= few


def test_one_complaint_in_thirty_contacts_is_not_yet_likely_above_target():
    complaints = BY_KEY["complaint_rate"]
    assert probability_worse(complaints, Sample(1, 30, 0, 1), 0.02) < 0.8
    assert probability_worse(complaints, Sample(12, 300, 0, 10), 0.02) > 0.95


def test_two_matching_csat_days_are_not_certainty_but_ten_low_days_are_clear():
    csat = BY_KEY["csat"]
    two_days = Sample(total=4.3 * 60, weight=60, squares=4.3**2 * 60, days=2)
    assert 0.5 < probability_worse(csat, two_days, 4.5) < 0.9
    ten_days = Sample(total=4.2 * 300, weight=300, squares=(4.2**2 + 0.2**2) * 300, days=10)
    assert probability_worse(csat, ten_days, 4.5) > 0.99


def test_nothing_logged_is_a_coin_toss():
    assert probability_worse(BY_KEY["csat"], Sample(0, 0, 0, 0), 4.5) == 0.5


def test_a_definition_that_asks_more_certainty_for_customers_than_for_the_rest_is_refused():
    data = default_definition().model_dump()
    data["customer_focus_confidence"] = 0.9
    with pytest.raises(ValidationError, match="customer comes first"):
        type(default_definition()).model_validate(data)
