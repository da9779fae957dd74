"""The practice library: content/practices/*.toml, each entry validated, in every supported language."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from pydantic_core import ErrorDetails

from coaching.definition import default_definition
from coaching.i18n import LANGUAGES as LANGUAGES
from coaching.i18n import Language as Language
from content import CONTENT_DIR

PRACTICES_DIR = CONTENT_DIR / "practices"
# Below this, a rep who is coached on one metric week after week soon meets the same practices again.
MIN_PRACTICES_PER_METRIC = 8

PlainText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, pattern=r"^[^<>&{}]*$")]


class PracticeText(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[PlainText, StringConstraints(max_length=60)]
    why: Annotated[PlainText, StringConstraints(max_length=220)]
    try_today: Annotated[PlainText, StringConstraints(max_length=220)]


class Practice(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
    metrics: tuple[str, ...] = Field(min_length=1)
    # Harder habits for reps who already meet every target.
    stretch: bool = False
    # Eligible only while each of these metrics misses its target.
    only_when_below: tuple[str, ...] = ()
    en: PracticeText
    it: PracticeText

    def text(self, language: Language) -> PracticeText:
        text: PracticeText = getattr(self, language)
        return text


class LibraryError(Exception):
    """The library has faults; each line names the file and the entry."""

    def __init__(self, faults: list[str]):
        super().__init__("\n".join(faults))
        self.faults = faults


@dataclass(frozen=True)
class Library:
    practices: tuple[Practice, ...]

    def by_id(self) -> dict[str, Practice]:
        return {practice.id: practice for practice in self.practices}

    def for_metric(self, metric: str) -> list[Practice]:
        return [practice for practice in self.practices if metric in practice.metrics and not practice.stretch]

    def stretch(self) -> list[Practice]:
        return [practice for practice in self.practices if practice.stretch]


def coverage_faults(library: Library, metric_keys: Iterable[str]) -> list[str]:
    """One line per metric with too few practices to coach it.

    Only practices eligible whenever the metric is the focus count: not stretch ones, which go to reps
    meeting every target, nor ones narrowed by `only_when_below`. Every practice carries every language,
    so the count holds in each of them.
    """
    faults = []
    for metric in metric_keys:
        aimed = library.for_metric(metric)
        always = sum(1 for practice in aimed if not practice.only_when_below)
        if always < MIN_PRACTICES_PER_METRIC:
            narrowed = len(aimed) - always
            faults.append(
                f"{metric} has {always} non-stretch practices in {' and '.join(LANGUAGES)}; "
                f"at least {MIN_PRACTICES_PER_METRIC} are needed"
                + (f" (not counting {narrowed} with only_when_below)" if narrowed else "")
            )
    return faults


def load_library(directory: Path, metric_keys: set[str]) -> Library:
    """Reads every file, collecting every fault before raising, so one run of `content check` shows them all."""
    faults: list[str] = []
    practices: list[Practice] = []
    seen: dict[str, str] = {}
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise LibraryError([f"{directory}: no practice files (*.toml)"])
    for path in files:
        try:
            with path.open("rb") as handle:
                entries = tomllib.load(handle).get("practice", [])
        except tomllib.TOMLDecodeError as error:
            faults.append(f"{path.name}: not valid TOML: {error}")
            continue
        for number, entry in enumerate(entries, start=1):
            where = f"{path.name}, practice {number}" + (
                f" ({entry['id']})" if isinstance(entry.get("id"), str) else ""
            )
            try:
                practice = Practice.model_validate(entry)
            except ValidationError as error:
                faults += [f"{where}: {_describe(fault)}" for fault in error.errors()]
                continue
            unknown = sorted(set(practice.metrics + practice.only_when_below) - metric_keys)
            if unknown:
                faults.append(f"{where}: unknown metric {', '.join(unknown)}")
            if practice.id in seen:
                faults.append(f"{where}: id {practice.id} is already used in {seen[practice.id]}")
            seen[practice.id] = path.name
            practices.append(practice)
    if faults:
        raise LibraryError(faults)
    return Library(tuple(practices))


def _describe(fault: ErrorDetails) -> str:
    location = ".".join(str(part) for part in fault["loc"])
    if fault["type"] == "missing" and fault["loc"] and fault["loc"][0] in LANGUAGES and len(fault["loc"]) == 1:
        return f"missing the {fault['loc'][0]} translation"
    if fault["type"] == "missing":
        return f"{location} is missing"
    return f"{location}: {fault['msg']}"


@cache
def default_library() -> Library:
    return load_library(PRACTICES_DIR, set(default_definition().by_key()))
