"""Renders every message the library can produce, so a broken template fails `repcoach content check`."""

from __future__ import annotations

from jinja2 import TemplateError

from bot.blocks.nudges import nudge_message
from coaching.definition import ScorecardDefinition
from coaching.library import LANGUAGES, Library
from coaching.nudges import Focus, NudgeChoice

MESSAGE_LIMIT = 3000


def template_faults(library: Library, definition: ScorecardDefinition) -> list[str]:
    by_key = definition.by_key()
    choices: list[tuple[str, NudgeChoice]] = [
        ("onboarding", NudgeChoice("onboarding")),
        ("praise", NudgeChoice("praise")),
    ]
    for practice in library.practices:
        metric = by_key[practice.metrics[0]]
        sample = Focus(metric, metric.target * 0.8, metric.target)
        kind = "stretch" if practice.stretch else "practice"
        choices.append((practice.id, NudgeChoice(kind, practice, None if practice.stretch else sample)))
    faults = []
    for name, choice in choices:
        for language in LANGUAGES:
            try:
                message = nudge_message(0, choice, language)
            except (TemplateError, KeyError, AttributeError) as error:
                faults.append(f"nudge.{language}.md.j2 with {name}: {error}")
                continue
            if not message["text"].strip() or len(message["text"]) > MESSAGE_LIMIT:
                faults.append(
                    f"nudge.{language}.md.j2 with {name}: the text is empty or over {MESSAGE_LIMIT} characters"
                )
    return faults
