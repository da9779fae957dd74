"""Messages about teams: the lead's weekly summary, recognition posts and kudos."""

from __future__ import annotations

import base64

from bot.blocks.charts import team_trend_png
from bot.blocks.kit import Message, context, divider, header, plural, render, section, sections
from bot.blocks.scorecard import span_label
from bot.slack.mentions import mention
from coaching.definition import PERSPECTIVES, ScorecardDefinition
from coaching.library import Library
from coaching.recognition import Recognition
from coaching.summary import TeamSummary


def summary_message(summary: TeamSummary, definition: ScorecardDefinition, library: Library) -> Message:
    """The summary reads in full without its chart; the chart goes along as a file to upload."""
    week = summary.scorecard.period
    blocks = [
        header(f"{summary.team.name} · week of {week.start:%-d %b}"),
        context(f"{span_label(week)} · {plural(summary.scorecard.days_logged, 'logged day')}"),
        *sections(render("summary_team.md.j2", summary=summary, perspectives=PERSPECTIVES).splitlines()),
        divider(),
    ]
    rows = [render("summary_rep_row.md.j2", row=row, mention=mention(row.rep.user_id)) for row in summary.reps]
    blocks += sections(["*Each rep* (logged days · balanced score, change on the week before · kudos)", *rows])
    highlights = render(
        "summary_highlights.md.j2",
        summary=summary,
        mention=mention,
        titles={practice.id: practice.en.title for practice in library.practices},
    )
    # A team with many reps at risk has a one-to-one line each: split within Slack's limit, never cut off.
    blocks += sections(highlights.splitlines())
    blocks.append(context("Figures are for the team's members; the chart below shows eight weeks against targets."))
    score = summary.scorecard.score.value
    overall = "no scores yet" if score is None else f"team score {score:.0f}/100, the mean of its reps' scores"
    at_risk = len(summary.at_risk)
    text = f"Weekly summary for {summary.team.name}, week of {week.start:%-d %b}: {overall}; {at_risk} at risk"
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
