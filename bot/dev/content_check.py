"""Renders every message the library can produce, so a broken template fails `repcoach content check`."""

from __future__ import annotations

from jinja2 import TemplateError

from bot.blocks.nudges import nudge_message
from coaching.definition import ScorecardDefinition
from coaching.library import LANGUAGES, Library
from coaching.nudges import Focus, NudgeChoice

MESSAGE_LIMIT = 3000


def template_faults(library: Library, definition: ScorecardDefinition) -> list[str]:
    """Every kind of coaching DM, with every practice and every metric, in every language and both button sets."""
    by_key = definition.by_key()
    choices: list[tuple[str, NudgeChoice]] = [
        ("onboarding", NudgeChoice("onboarding")),
        ("praise", NudgeChoice("praise", days=12)),
        ("rest", NudgeChoice("rest", days=15)),
        ("incomplete", NudgeChoice("incomplete", days=3, missing=tuple(definition.metrics[:3]))),
    ]
    for practice in library.practices:
        metric = by_key[practice.metrics[0]]
        sample = Focus(metric, metric.target * 0.8, metric.target, days=4)
        if practice.stretch:
            choices.append((practice.id, NudgeChoice("stretch", practice, days=12)))
        else:
            choices.append((practice.id, NudgeChoice("practice", practice, sample, days=4)))
            choices.append((f"{practice.id} (review)", NudgeChoice("review", practice, sample, days=20)))
        choices.append((f"{practice.id} (follow-up)", NudgeChoice("follow_up", practice)))
    for metric in definition.metrics:
        week = Focus(metric, metric.target * 0.9, metric.target, days=3)
        choices.append((f"{metric.key} (wrap-up)", NudgeChoice("wrap_up", focus=week, before=metric.target * 0.8)))
        nothing_logged = Focus(metric, metric.target * 0.8, metric.target, days=0)
        choices.append((f"{metric.key} (empty wrap-up)", NudgeChoice("wrap_up", focus=nothing_logged)))
    faults = []
    for name, choice in choices:
        for language in LANGUAGES:
            for week_start in (False, True):
                try:
                    message = nudge_message(1, choice, language, week_start=week_start)
                except (TemplateError, KeyError, AttributeError) as error:
                    faults.append(f"nudge.md.j2 in {language} with {name}: {error}")
                    continue
                if not message["text"].strip() or len(message["text"]) > MESSAGE_LIMIT:
                    faults.append(
                        f"nudge.md.j2 in {language} with {name}: the text is empty or over {MESSAGE_LIMIT} characters"
                    )
    return faults
