"""The balanced scorecard's definition: its metrics, targets, weights and tolerances (content/scorecard.toml)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, PrivateAttr, field_validator, model_validator

from coaching.fields import FIELD_BY_KEY
from coaching.i18n import Language, Text, lazy_gettext, translator
from content import CONTENT_DIR

Perspective = Literal["customer", "process", "growth", "learning"]
PERSPECTIVES: tuple[Perspective, ...] = ("customer", "process", "growth", "learning")
PERSPECTIVE_TITLES: dict[Perspective, Text] = {
    "customer": lazy_gettext("Customer"),
    "process": lazy_gettext("Process"),
    "growth": lazy_gettext("Growth"),
    "learning": lazy_gettext("Learning"),
}


class MetricDefinition(BaseModel):
    key: str
    source: str
    label: str
    perspective: Perspective
    direction: Literal["higher", "lower"]
    kind: Literal["rate", "average", "per_day"]
    target: float = Field(gt=0)
    weight: float = Field(gt=0)
    unit: str = ""
    label_it: str
    unit_it: str = ""
    # For an average or a per-day figure: how much one rep's daily figure typically varies from day to day. It is
    # the prior for the spread when only a few days are logged, so two matching days are not taken as certainty.
    day_spread: float | None = Field(default=None, gt=0)

    def label_in(self, language: str) -> str:
        return self.label_it if language == "it" else self.label

    @model_validator(mode="after")
    def _spread_where_needed(self) -> MetricDefinition:
        if self.kind != "rate" and self.day_spread is None:
            raise ValueError(f"{self.key}: an {self.kind} metric needs day_spread")
        return self

    @field_validator("source")
    @classmethod
    def _source_is_logged(cls, source: str) -> str:
        if source not in FIELD_BY_KEY:
            raise ValueError(f"{source!r} is not a logged figure")
        return source

    def attainment(self, value: float, target: float) -> float:
        """How much of the target is met, from 0 to 1: beating one target cannot hide missing another."""
        if self.direction == "higher":
            return min(1.0, value / target)
        return 1.0 if value <= target else target / value

    def missed_share(self, value: float, target: float) -> float:
        """How far short of the target, as a share of it (0 when met): 0.1 is 10% short."""
        return 1.0 - self.attainment(value, target)

    def meets(self, value: float, target: float) -> bool:
        return value >= target if self.direction == "higher" else value <= target

    def format(self, value: float, language: Language = "en") -> str:
        words = translator(language)
        if self.kind == "rate":
            return words.percent(value)
        return words.decimal(value, 1) + self.unit_in(language)

    def format_change(self, change: float, language: Language = "en") -> str:
        words = translator(language)
        if not self.visible(change):
            return words.gettext("no change")
        if self.kind == "rate":
            # Translators: a change in a percentage, in percentage points: "+4 pts".
            return words.gettext("%(change)s pts", change=words.signed(change * 100))
        return words.signed(change, 1) + self.unit_in(language)

    def unit_in(self, language: str) -> str:
        return self.unit_it if language == "it" else self.unit

    def visible(self, change: float) -> bool:
        """Whether a change shows at the precision figures are shown in (1 point, or 0.1)."""
        return round(abs(change) * (100 if self.kind == "rate" else 10)) > 0


class ScorecardDefinition(BaseModel):
    metric: list[MetricDefinition]
    # A customer metric further below target than this share of it shuts out every other perspective; nearer the
    # target the others fade in, so the score has no cliff. Below 0.12 one step of 1% could move the score 5 points.
    customer_tolerance: float = Field(default=0.15, ge=0.12, le=0.5)
    # A metric becomes a rep's focus, or a lead's at-risk flag, only when it is at least this likely below target.
    focus_confidence: float = Field(default=0.8, gt=0.5, lt=1)
    # The same for a customer metric, which comes first: a lead would rather a rep works on a customer who may be
    # slipping than on handle time, so it may take less certainty. At most focus_confidence.
    customer_focus_confidence: float = Field(default=0.8, ge=0.5, lt=1)
    # Recognition names a rep only with at least this many contacts behind the week's figures.
    recognition_min_contacts: int = Field(default=60, ge=1)
    # The SQL aggregate expressions, built once: rebuilding them took most of a scorecard query's time.
    _aggregates: list[Any] | None = PrivateAttr(default=None)

    @property
    def metrics(self) -> list[MetricDefinition]:
        return self.metric

    def by_key(self) -> dict[str, MetricDefinition]:
        return {metric.key: metric for metric in self.metric}

    def default_targets(self) -> dict[str, float]:
        return {metric.key: metric.target for metric in self.metric}

    @model_validator(mode="after")
    def _customer_never_needs_more_certainty(self) -> ScorecardDefinition:
        if self.customer_focus_confidence > self.focus_confidence:
            raise ValueError("customer_focus_confidence may not exceed focus_confidence: the customer comes first")
        return self


def load_definition(path: Path) -> ScorecardDefinition:
    with path.open("rb") as handle:
        return ScorecardDefinition.model_validate(tomllib.load(handle))


@cache
def default_definition() -> ScorecardDefinition:
    return load_definition(CONTENT_DIR / "scorecard.toml")
