"""The scorecard: as `/scorecard`'s answer, and as the blocks the Home tab and a lead's summary reuse."""

from __future__ import annotations

from bot.blocks.kit import Message, context, day_label, divider, header, render, section
from bot.blocks.log import log_example
from coaching.definition import PERSPECTIVE_TITLES, PERSPECTIVES
from coaching.helpdesk.given import NOTHING_GIVEN, GivenFigures
from coaching.i18n import Language, Text, lazy_gettext, translator
from coaching.periods import Period, PeriodName
from coaching.scorecard import Scorecard

# Whole phrases, since a language may agree them with the period ("questa settimana", "questo mese").
THIS_PERIOD: dict[PeriodName, Text] = {
    "week": lazy_gettext("this week"),
    "month": lazy_gettext("this month"),
    "quarter": lazy_gettext("this quarter"),
}


def scorecard_message(
    scorecard: Scorecard,
    title: str,
    own: bool = True,
    language: Language = "en",
    given: GivenFigures = NOTHING_GIVEN,
) -> Message:
    """`given`: the figures the reader's helpdesk gives, left out of the example `/log` of an empty scorecard."""
    period = scorecard.period
    this_period = THIS_PERIOD[period.name].in_language(language)
    if not scorecard.days_logged:
        span = span_label(period, language)
        text = render(
            "scorecard_empty.md.j2",
            language=language,
            this_period=this_period,
            span=span,
            own=own,
            title=title,
            example=log_example(given, 3, language),
        )
        return {"text": text, "blocks": [section(text)]}
    words = translator(language)
    heading = words.gettext("%(title)s · %(period)s", title=title, period=this_period)
    blocks, summary = scorecard_blocks(scorecard, heading, language)
    return {
        "text": words.gettext("%(title)s %(period)s: %(summary)s", title=title, period=this_period, summary=summary),
        "blocks": blocks,
    }


def scorecard_blocks(scorecard: Scorecard, heading: str, language: Language = "en") -> tuple[list[dict], str]:
    """The scorecard's blocks under `heading`, and its one-line overall summary."""
    words = translator(language)
    logged = words.ngettext("%(num)s logged day", "%(num)s logged days", scorecard.days_logged)
    blocks = [header(heading), context(f"{span_label(scorecard.period, language)} · {logged}")]
    for perspective in PERSPECTIVES:
        lines = scorecard.perspective(perspective)
        title = PERSPECTIVE_TITLES[perspective].in_language(language)
        blocks.append(section(render("scorecard_perspective.md.j2", language=language, title=title, lines=lines)))
    labels = {line.definition.key: line.definition.label_in(language) for line in scorecard.lines}
    below = [labels[key] for key in scorecard.score.customer_below_target]
    score, previous = scorecard.score.value, scorecard.previous_score.value
    change = None if score is None or previous is None else words.signed(round(score - previous))
    summary = render(
        "scorecard_overall.md.j2",
        language=language,
        score=score,
        change=change,
        period=scorecard.period.name,
        below=below,
    )
    blocks += [divider(), section(summary)]
    return blocks, summary


def span_label(period: Period, language: Language = "en") -> str:
    return f"{day_label(period.start, language)} – {day_label(period.end, language)}"
