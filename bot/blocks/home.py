"""The App Home view: this week's scorecard, the streak, the week's focus and practice, the latest tips, settings,
and a lead's teams."""

from __future__ import annotations

from bot.blocks.kit import actions, button, context, divider, header, plural, render, section, sections
from bot.blocks.nudges import BUTTON_LABELS, TIP_ACTIONS
from bot.blocks.scorecard import scorecard_blocks
from bot.ids import Action, Block, NudgeButton, home_nudge_block
from bot.slack.mentions import mention
from coaching.home import HomePage, HomeSettings, RecentTip, TeamWeek, WeekFocus
from coaching.library import Language
from coaching.preferences import DAY_NAMES

MAX_BLOCKS = 100
LANGUAGE_NAMES = {"en": "English", "it": "Italiano"}
FEEDBACK_WORDS = {
    "helpful": "helpful",
    "not_for_me": "not for me",
    "snoozed": "snoozed a week",
    "trying": "I'll try it",
    "no_difference": "tried, no difference",
    "not_yet": "not yet",
}


def home_view(page: HomePage) -> dict:
    streak = page.streak
    blocks: list[dict] = [
        header("Your week on RepCoach"),
        actions(Block.HOME_LOG, button(Action.OPEN_LOG_FORM, "Log today", "log", "primary")),
        context(f":fire: {plural(streak, 'logged day')} in a row" if streak else "Log today to start a streak."),
    ]
    if page.scorecard.days_logged:
        scorecard_part, _ = scorecard_blocks(page.scorecard, "This week against your targets")
        blocks += scorecard_part
    else:
        blocks.append(section("Nothing logged this week yet: `/log contacts=30 fcr=24 csat=4.6`, or the button above."))
    blocks += _week_focus(page.focus, page.settings.language)
    blocks += _recent_tips(page.tips, page.settings.language)
    blocks += _settings(page.settings)
    for team in page.teams:
        blocks += _team_table(team)
    if len(blocks) > MAX_BLOCKS:  # a very large set of teams: keep within Slack's limit, say so
        blocks = [*blocks[: MAX_BLOCKS - 1], context("More below the limit of this page: use `/scorecard team NAME`.")]
    return {"type": "home", "blocks": blocks}


def _week_focus(focus: WeekFocus | None, language: Language) -> list[dict]:
    if focus is None:
        return []
    figure = f" at {focus.metric.format(focus.value, language)}" if focus.value is not None else ""
    target = focus.metric.format(focus.target, language)
    line = f":dart: *This week's focus:* {focus.metric.label_in(language)}{figure}, target {target}."
    if focus.practice is not None:
        line += f"\n*Your practice:* {focus.practice.title}"
        if focus.feedback:
            line += f" (you said: {FEEDBACK_WORDS.get(focus.feedback, focus.feedback)})"
    return [divider(), section(line)]


def _recent_tips(tips: tuple[RecentTip, ...], language: Language) -> list[dict]:
    if not tips:
        return []
    blocks = [divider(), section("*Your latest tips*")]
    for tip in tips:
        blocks.append(section(render("home_tip.md.j2", day=tip.day, text=tip.text)))
        if tip.feedback:
            blocks.append(context(f"You said: {FEEDBACK_WORDS[tip.feedback]}"))
            continue
        value = NudgeButton(nudge_id=tip.nudge_id).dump()
        buttons = [button(action, BUTTON_LABELS[language][action], value) for action in TIP_ACTIONS]
        blocks.append(actions(home_nudge_block(tip.nudge_id), *buttons))
    return blocks


def _settings(settings: HomeSettings) -> list[dict]:
    days = [DAY_NAMES[day] for day in settings.work_days]
    paused = settings.paused
    day_options = [{"text": {"type": "plain_text", "text": name.capitalize()}, "value": name} for name in DAY_NAMES]
    language_options = [
        {"text": {"type": "plain_text", "text": label}, "value": code} for code, label in LANGUAGE_NAMES.items()
    ]
    return [
        divider(),
        section("*Your coaching settings*"),
        actions(
            Block.HOME_SETTINGS,
            {
                "type": "timepicker",
                "action_id": Action.HOME_TIME,
                "initial_time": f"{settings.nudge_time:%H:%M}",
                "placeholder": {"type": "plain_text", "text": "Tip time"},
            },
            {
                "type": "static_select",
                "action_id": Action.HOME_LANGUAGE,
                "options": language_options,
                "initial_option": next(o for o in language_options if o["value"] == settings.language),
            },
            button(Action.HOME_PAUSE, "Resume tips" if paused else "Pause tips", "resume" if paused else "pause"),
        ),
        actions(
            Block.HOME_DAYS,
            {
                "type": "checkboxes",
                "action_id": Action.HOME_DAYS,
                "options": day_options,
                "initial_options": [o for o in day_options if o["value"] in days],
            },
        ),
        context(f"Tips come at {settings.nudge_time:%H:%M} ({settings.tz}); " + ("paused." if paused else "on.")),
    ]


def _team_table(team: TeamWeek) -> list[dict]:
    lines = []
    for row in team.rows:
        if row.days is None:
            lines.append(f"• {mention(row.user_id)}: nothing logged")
            continue
        score = "-" if row.score is None else f"{row.score:.0f}"
        lines.append(f"• {mention(row.user_id)}: {row.days} days · score {score}")
    return [
        divider(),
        section(f"*{team.name}* · this week ({len(team.rows)} reps)"),
        *sections(lines or ["No reps yet."]),
    ]
