"""Messages about teams: the lead's weekly summary, recognition posts and kudos."""

from __future__ import annotations

import base64

from bot.blocks.charts import team_trend_png
from bot.blocks.kit import Message, context, render, section, sections
from bot.blocks.scorecard import scorecard_blocks
from bot.slack.mentions import mention
from coaching.definition import ScorecardDefinition
from coaching.library import Library
from coaching.recognition import Recognition
from coaching.summary import TeamSummary


def summary_message(summary: TeamSummary, definition: ScorecardDefinition, library: Library) -> Message:
    """The summary reads in full without its chart; the chart goes along as a file to upload."""
    week = summary.scorecard.period
    blocks, overall = scorecard_blocks(summary.scorecard, f"{summary.team.name} · week of {week.start:%-d %b}")
    rows = [render("summary_rep_row.md.j2", row=row, mention=mention(row.rep.user_id)) for row in summary.reps]
    blocks += sections(["*Each rep* (logged days · balanced score, change on the week before · kudos)", *rows])
    blocks.append(
        section(
            render(
                "summary_highlights.md.j2",
                summary=summary,
                mention=mention,
                labels=_labels(definition),
                titles={practice.id: practice.en.title for practice in library.practices},
            )
        )
    )
    blocks.append(context("Figures are for the team's members; the chart below shows eight weeks against targets."))
    text = f"Weekly summary for {summary.team.name}, week of {week.start:%-d %b}: {overall}"
    png = team_trend_png(summary.history, definition, summary.targets, f"{summary.team.name}: last 8 weeks")
    files = [
        {
            "filename": f"repcoach-{week.start.isoformat()}.png",
            "title": f"{summary.team.name}: 8 weeks",
            "content_b64": base64.b64encode(png).decode(),
        }
    ]
    return {"text": text, "blocks": blocks, "files": files}


def recognition_message(recognition: Recognition, definition: ScorecardDefinition) -> Message:
    text = render("recognition.md.j2", recognition=recognition, mention=mention)
    return {
        "text": text,
        "blocks": [
            section(text),
            context("Only balanced wins are celebrated here. `/coach recognition off` keeps your name out."),
        ],
    }


def kudos_message(giver: str, receiver: str, reason: str) -> Message:
    text = render("kudos.md.j2", giver=mention(giver), receiver=mention(receiver), reason=reason)
    return {"text": text, "blocks": [section(text)]}


def _labels(definition: ScorecardDefinition) -> dict[str, str]:
    return {metric.key: metric.label for metric in definition.metrics}
