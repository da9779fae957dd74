"""The scorecard: as `/scorecard`'s answer, and as the blocks the Home tab and a lead's summary reuse."""

from __future__ import annotations

from bot.blocks.kit import Message, context, day_label, divider, header, plural, render, section
from coaching.definition import PERSPECTIVES
from coaching.periods import Period
from coaching.scorecard import Scorecard


def scorecard_message(scorecard: Scorecard, title: str, own: bool = True) -> Message:
    period = scorecard.period
    if not scorecard.days_logged:
        text = render("scorecard_empty.md.j2", period=period, span=span_label(period), own=own, title=title)
        return {"text": text, "blocks": [section(text)]}
    blocks, summary = scorecard_blocks(scorecard, f"{title} · this {period.name}")
    return {"text": f"{title} this {period.name}: {summary}", "blocks": blocks}


def scorecard_blocks(scorecard: Scorecard, heading: str) -> tuple[list[dict], str]:
    """The scorecard's blocks under `heading`, and its one-line overall summary."""
    blocks = [
        header(heading),
        context(f"{span_label(scorecard.period)} · {plural(scorecard.days_logged, 'logged day')}"),
    ]
    for perspective in PERSPECTIVES:
        blocks.append(
            section(render("scorecard_perspective.md.j2", name=perspective, lines=scorecard.perspective(perspective)))
        )
    labels = {line.definition.key: line.definition.label for line in scorecard.lines}
    below = [labels[key] for key in scorecard.score.customer_below_target]
    summary = render("scorecard_overall.md.j2", scorecard=scorecard, below=below)
    blocks += [divider(), section(summary)]
    return blocks, summary


def span_label(period: Period) -> str:
    return f"{day_label(period.start)} – {day_label(period.end)}"
