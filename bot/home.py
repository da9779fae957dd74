"""The App Home tab: this week's scorecard, the streak, the last nudges, settings, and a lead's team."""

from __future__ import annotations

from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.kit import context, header, plural, render, scorecard_blocks, section, sections
from bot.blocks.nudges import BUTTON_LABELS, FEEDBACK_BY_ACTION
from bot.deps import Deps
from bot.ids import Action, Block, NudgeButton, home_nudge_block
from bot.slack.mentions import mention
from coaching import preferences
from coaching.models import Nudge, Rep
from coaching.periods import current_period
from coaching.reps import get_or_create_rep, local_today
from coaching.scorecard import build_scorecard, figures_by_rep, rep_scope
from coaching.scoring import balanced_score
from coaching.streaks import logged_streak
from coaching.teams import reps_of, targets_for, team_of, teams_led_by

MAX_BLOCKS = 100
LANGUAGE_NAMES = {"en": "English", "it": "Italiano"}
FEEDBACK_WORDS = {"helpful": "helpful", "not_for_me": "not for me", "snoozed": "snoozed a week"}


def publish_home(session: Session, client: WebClient, deps: Deps, rep: Rep, now: datetime) -> None:
    client.views_publish(user_id=rep.user_id, view=home_view(session, deps, rep, now))


def refresh_home(deps: Deps, client: WebClient, context) -> None:
    """Publishes the Home tab of the person behind `context`, from what is committed now."""
    with deps.sessions() as session:
        rep = get_or_create_rep(session, context.team_id, context.user_id)
        publish_home(session, client, deps, rep, deps.now())


def home_view(session: Session, deps: Deps, rep: Rep, now: datetime) -> dict:
    today = local_today(rep, now)
    week = current_period("week", today)
    targets = targets_for(session, team_of(session, rep), deps.definition)
    scorecard = build_scorecard(session, rep_scope(rep.id), week, deps.definition, targets)
    streak = logged_streak(session, rep, today)
    blocks: list[dict] = [
        header("Your week on RepCoach"),
        {
            "type": "actions",
            "block_id": Block.HOME_LOG,
            "elements": [_button(Action.OPEN_LOG_FORM, "Log today", "log", "primary")],
        },
        context(f":fire: {plural(streak, 'logged day')} in a row" if streak else "Log today to start a streak."),
    ]
    if scorecard.days_logged:
        scorecard_part, _ = scorecard_blocks(scorecard, "This week against your targets")
        blocks += scorecard_part
    else:
        blocks.append(section("Nothing logged this week yet: `/log contacts=30 fcr=24 csat=4.6`, or the button above."))
    blocks += _recent_nudges(session, deps, rep)
    blocks += _settings(rep, today)
    for team in teams_led_by(session, rep):
        blocks += _team_table(session, deps, team, week)
    if len(blocks) > MAX_BLOCKS:  # a very large set of teams: keep within Slack's limit, say so
        blocks = [*blocks[: MAX_BLOCKS - 1], context("More below the limit of this page: use `/scorecard team NAME`.")]
    return {"type": "home", "blocks": blocks}


def _recent_nudges(session: Session, deps: Deps, rep: Rep) -> list[dict]:
    nudges = list(
        session.scalars(
            select(Nudge)
            .where(Nudge.rep_id == rep.id, Nudge.practice_id.is_not(None))
            .order_by(Nudge.local_date.desc(), Nudge.id.desc())
            .limit(3)
        )
    )
    if not nudges:
        return []
    practices = deps.library.by_id()
    language = preferences.language(rep)
    blocks = [{"type": "divider"}, section("*Your latest tips*")]
    for nudge in nudges:
        practice = practices.get(nudge.practice_id)
        if practice is None:  # retired from the library since
            continue
        text = practice.text(language)
        blocks.append(section(render("home_tip.md.j2", day=nudge.local_date, text=text)))
        if nudge.feedback:
            blocks.append(context(f"You said: {FEEDBACK_WORDS[nudge.feedback]}"))
            continue
        value = NudgeButton(nudge_id=nudge.id).model_dump_json()
        blocks.append(
            {
                "type": "actions",
                "block_id": home_nudge_block(nudge.id),
                "elements": [_button(action, BUTTON_LABELS[language][action], value) for action in FEEDBACK_BY_ACTION],
            }
        )
    return blocks


def _settings(rep: Rep, today) -> list[dict]:
    days = [preferences.DAY_NAMES[day] for day in preferences.work_days(rep)]
    paused = preferences.is_paused(rep, today)
    day_options = [
        {"text": {"type": "plain_text", "text": name.capitalize()}, "value": name} for name in preferences.DAY_NAMES
    ]
    language_options = [
        {"text": {"type": "plain_text", "text": label}, "value": code} for code, label in LANGUAGE_NAMES.items()
    ]
    current_language = preferences.language(rep)
    return [
        {"type": "divider"},
        section("*Your coaching settings*"),
        {
            "type": "actions",
            "block_id": Block.HOME_SETTINGS,
            "elements": [
                {
                    "type": "timepicker",
                    "action_id": Action.HOME_TIME,
                    "initial_time": f"{preferences.nudge_time(rep):%H:%M}",
                    "placeholder": {"type": "plain_text", "text": "Tip time"},
                },
                {
                    "type": "static_select",
                    "action_id": Action.HOME_LANGUAGE,
                    "options": language_options,
                    "initial_option": next(o for o in language_options if o["value"] == current_language),
                },
                _button(Action.HOME_PAUSE, "Resume tips" if paused else "Pause tips", "resume" if paused else "pause"),
            ],
        },
        {
            "type": "actions",
            "block_id": Block.HOME_DAYS,
            "elements": [
                {
                    "type": "checkboxes",
                    "action_id": Action.HOME_DAYS,
                    "options": day_options,
                    "initial_options": [o for o in day_options if o["value"] in days],
                },
            ],
        },
        context(f"Tips come at {preferences.nudge_time(rep):%H:%M} ({rep.tz}); " + ("paused." if paused else "on.")),
    ]


def _team_table(session: Session, deps: Deps, team, week) -> list[dict]:
    reps = reps_of(session, team, leads=False)
    targets = targets_for(session, team, deps.definition)
    figures = figures_by_rep(session, [r.id for r in reps], week.start, week.end, deps.definition)
    lines = []
    for member in reps:
        found = figures.get(member.id)
        if found is None:
            lines.append(f"• {mention(member.user_id)}: nothing logged")
            continue
        score = balanced_score(found.values, deps.definition, targets).value
        lines.append(
            f"• {mention(member.user_id)}: {found.days} days · score {'-' if score is None else f'{score:.0f}'}"
        )
    return [
        {"type": "divider"},
        section(f"*{team.name}* · this week ({len(reps)} reps)"),
        *sections(lines or ["No reps yet."]),
    ]


def _button(action_id: str, text: str, value: str, style: str | None = None) -> dict:
    button = {"type": "button", "action_id": action_id, "text": {"type": "plain_text", "text": text}, "value": value}
    if style:
        button["style"] = style
    return button
