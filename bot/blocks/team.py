"""Messages about teams: the lead's weekly summary (in the lead's language), recognition posts and kudos (in the
team channel's language, `coaching.teams.team_language`)."""

from __future__ import annotations

import base64

from bot.blocks.charts import team_trend_png
from bot.blocks.kit import Message, context, divider, header, render, section, sections
from bot.blocks.scorecard import span_label
from bot.slack.mentions import mention
from coaching.definition import PERSPECTIVE_TITLES, PERSPECTIVES, ScorecardDefinition
from coaching.i18n import Language, translator
from coaching.library import Library
from coaching.recognition import Recognition
from coaching.summary import TeamSummary


def summary_message(
    summary: TeamSummary, definition: ScorecardDefinition, library: Library, language: Language = "en"
) -> Message:
    """The summary reads in full without its chart; the chart goes along as a file to upload."""
    words = translator(language)
    week = summary.scorecard.period
    team = summary.team.name
    week_of = words.day(week.start, "d MMM")
    logged = words.ngettext("%(num)s logged day", "%(num)s logged days", summary.scorecard.days_logged)
    titles = {perspective: PERSPECTIVE_TITLES[perspective].in_language(language) for perspective in PERSPECTIVES}
    blocks = [
        header(words.gettext("%(team)s · week of %(day)s", team=team, day=week_of)),
        context(f"{span_label(week, language)} · {logged}"),
        *sections(
            render(
                "summary_team.md.j2", language=language, summary=summary, perspectives=PERSPECTIVES, titles=titles
            ).splitlines()
        ),
        divider(),
    ]
    rows = [
        render("summary_rep_row.md.j2", language=language, row=row, mention=mention(row.rep.user_id))
        for row in summary.reps
    ]
    columns = words.gettext("*Each rep* (logged days · balanced score, change on the week before · kudos)")
    blocks += sections([columns, *rows])
    highlights = render(
        "summary_highlights.md.j2",
        language=language,
        summary=summary,
        mention=mention,
        titles={practice.id: practice.text(language).title for practice in library.practices},
    )
    # A team with many reps at risk has a one-to-one line each: split within Slack's limit, never cut off.
    blocks += sections(highlights.splitlines())
    blocks.append(
        context(words.gettext("Figures are for the team's members; the chart below shows eight weeks against targets."))
    )
    score = summary.scorecard.score.value
    overall = (
        words.gettext("no scores yet")
        if score is None
        else words.gettext("team score %(score)s/100, the mean of its reps' scores", score=round(score))
    )
    text = words.gettext(
        "Weekly summary for %(team)s, week of %(day)s: %(overall)s; %(at_risk)s at risk",
        team=team,
        day=week_of,
        overall=overall,
        at_risk=len(summary.at_risk),
    )
    png = team_trend_png(
        summary.history,
        definition,
        summary.targets,
        words.gettext("%(team)s: last 8 weeks", team=team),
        language,
    )
    files = [
        {
            "filename": f"repcoach-{week.start.isoformat()}.png",
            "title": words.gettext("%(team)s: 8 weeks", team=team),
            "content_b64": base64.b64encode(png).decode(),
        }
    ]
    return {"text": text, "blocks": blocks, "files": files}


def recognition_message(recognition: Recognition, language: Language = "en") -> Message:
    text = render("recognition.md.j2", language=language, recognition=recognition, mention=mention)
    opt_out = translator(language).gettext(
        "Only balanced wins are celebrated here. `/coach recognition off` keeps your name out."
    )
    return {"text": text, "blocks": [section(text), context(opt_out)]}


def kudos_message(giver: str, receiver: str, reason: str, language: Language = "en") -> Message:
    text = render("kudos.md.j2", language=language, giver=mention(giver), receiver=mention(receiver), reason=reason)
    return {"text": text, "blocks": [section(text)]}
