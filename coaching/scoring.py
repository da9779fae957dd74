"""The balanced score: one number out of 100 that never rewards efficiency at the customer's expense.

Each metric earns its weight times its attainment (the share of its target met, at most 1). The customer metrics
always count. The process, growth and learning metrics count only as far as the customer side allows: their
weight is multiplied by a customer gate that is 0 while any customer metric is clearly below target (further than
the definition's `customer_tolerance`), 1 when every customer metric meets target, and rises in a straight line
in between. So the score has no cliff, and a gain in handle time or up-sells cannot buy back a customer who slips.

A metric that was not logged earns nothing but still counts in the whole, so logging less never pays.
Pure functions: no database, no Slack. docs/coaching.md explains it to a team lead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from coaching.definition import ScorecardDefinition


@dataclass(frozen=True)
class BalancedScore:
    value: float | None
    # Customer metrics below target: while there are any, the other perspectives count for less, or not at all.
    customer_below_target: tuple[str, ...] = ()
    # Every metric below target, customer or not.
    below_target: tuple[str, ...] = ()
    # The metrics with a figure; the score covers these, and the others earned nothing.
    covered: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    # How much the process, growth and learning metrics counted: 1 when every customer metric meets target.
    customer_gate: float = 0.0

    @property
    def meets_every_target(self) -> bool:
        """Only with a figure for every metric in use: three logged figures cannot meet every target."""
        return self.value is not None and not self.missing and not self.below_target


def customer_gate_factor(attainment: float, tolerance: float) -> float:
    """1 on target, 0 when further below it than `tolerance` (a share of the target), a straight line between."""
    return min(1.0, max(0.0, (attainment - (1.0 - tolerance)) / tolerance))


def balanced_score(
    values: Mapping[str, float | None], definition: ScorecardDefinition, targets: Mapping[str, float]
) -> BalancedScore:
    """0 to 100 over every metric of `definition`; None when no figure at all was logged."""
    customer_earned = other_earned = whole = 0.0
    gate = 1.0
    covered: list[str] = []
    missing: list[str] = []
    below: list[str] = []
    customer_below: list[str] = []
    for metric in definition.metrics:
        whole += metric.weight
        value = values.get(metric.key)
        target = targets[metric.key]
        attainment = 0.0 if value is None else metric.attainment(value, target)
        if value is None:
            missing.append(metric.key)
        else:
            covered.append(metric.key)
            if not metric.meets(value, target):
                below.append(metric.key)
                if metric.perspective == "customer":
                    customer_below.append(metric.key)
        if metric.perspective == "customer":
            customer_earned += metric.weight * attainment
            gate *= customer_gate_factor(attainment, definition.customer_tolerance)
        else:
            other_earned += metric.weight * attainment
    if not covered:
        return BalancedScore(None, missing=tuple(missing))
    return BalancedScore(
        value=round(100 * (customer_earned + gate * other_earned) / whole, 1),
        customer_below_target=tuple(customer_below),
        below_target=tuple(below),
        covered=tuple(covered),
        missing=tuple(missing),
        customer_gate=gate,
    )
