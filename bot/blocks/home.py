"""The App Home view: this week's scorecard, the streak, the week's focus and practice, the latest tips, settings,
and a lead's teams."""

from __future__ import annotations

from bot.blocks.kit import actions, button, context, divider, escape, header, render, section, sections
from bot.blocks.log import log_example
from bot.blocks.nudges import BUTTON_LABELS, TIP_ACTIONS
from bot.blocks.scorecard import scorecard_blocks
from bot.ids import Action, Block, NudgeButton, home_nudge_block
from bot.slack.mentions import mention
from coaching.home import HomePage, HomeSettings, RecentTip, TeamWeek, WeekFocus
from coaching.i18n import LANGUAGES, Text, Translator, lazy_gettext, translator
from coaching.library import Language
from coaching.preferences import DAY_NAMES

MAX_BLOCKS = 100
FEEDBACK_WORDS: dict[str, Text] = {
    "helpful": lazy_gettext("helpful"),
    "not_for_me": lazy_gettext("not for me"),
    "snoozed": lazy_gettext("snoozed a week"),
    "trying": lazy_gettext("I'll try it"),
    "no_difference": lazy_gettext("tried, no difference"),
    "not_yet": lazy_gettext("not yet"),
}


def home_view(page: HomePage) -> dict:
    streak, language = page.streak, page.settings.language
    words = translator(language)
    blocks: list[dict] = [
        header(words.gettext("Your week on RepCoach")),
        actions(
            Block.HOME_LOG,
            button(Action.OPEN_LOG_FORM, BUTTON_LABELS[language][Action.OPEN_LOG_FORM], "log", "primary"),
        ),
        context(
            words.ngettext(":fire: %(num)s logged day in a row", ":fire: %(num)s logged days in a row", streak)
            if streak
            else words.gettext("Log today to start a streak.")
        ),
    ]
    if page.scorecard.days_logged:
        scorecard_part, _ = scorecard_blocks(page.scorecard, words.gettext("This week against your targets"), language)
        blocks += scorecard_part
    else:
        blocks.append(
            section(
                words.gettext(
                    "Nothing logged this week yet: `%(example)s`, or the button above.",
                    example=log_example(page.given, 3, language),
                )
            )
        )
    blocks += _week_focus(page.focus, language)
    blocks += _recent_tips(page.tips, language)
    blocks += _settings(page.settings)
    for team in page.teams:
        blocks += _team_table(team, words)
    if len(blocks) > MAX_BLOCKS:  # a very large set of teams: keep within Slack's limit, say so
        more = words.gettext("More below the limit of this page: use `/scorecard team NAME`.")
        blocks = [*blocks[: MAX_BLOCKS - 1], context(more)]
    return {"type": "home", "blocks": blocks}


def _week_focus(focus: WeekFocus | None, language: Language) -> list[dict]:
    if focus is None:
        return []
    words = translator(language)
    metric, target = focus.metric.label_in(language), focus.metric.format(focus.target, language)
    if focus.value is None:
        line = words.gettext(":dart: *This week's focus:* %(metric)s, target %(target)s.", metric=metric, target=target)
    else:
        line = words.gettext(
            ":dart: *This week's focus:* %(metric)s at %(value)s, target %(target)s.",
            metric=metric,
            value=focus.metric.format(focus.value, language),
            target=target,
        )
    if focus.practice is not None:
        title = escape(focus.practice.title)
        if focus.feedback:
            said = _said(words, focus.feedback)
            line += "\n" + words.gettext("*Your practice:* %(title)s (you said: %(said)s)", title=title, said=said)
        else:
            line += "\n" + words.gettext("*Your practice:* %(title)s", title=title)
    return [divider(), section(line)]


def _said(words: Translator, feedback: str) -> str:
    known = FEEDBACK_WORDS.get(feedback)
    return known.in_language(words.language) if known else feedback


def _recent_tips(tips: tuple[RecentTip, ...], language: Language) -> list[dict]:
    if not tips:
        return []
    words = translator(language)
    blocks = [divider(), section(words.gettext("*Your latest tips*"))]
    for tip in tips:
        blocks.append(section(render("home_tip.md.j2", language=language, day=tip.day, text=tip.text)))
        if tip.feedback:
            blocks.append(context(words.gettext("You said: %(said)s", said=_said(words, tip.feedback))))
            continue
        value = NudgeButton(nudge_id=tip.nudge_id).dump()
        buttons = [button(action, BUTTON_LABELS[language][action], value) for action in TIP_ACTIONS]
        blocks.append(actions(home_nudge_block(tip.nudge_id), *buttons))
    return blocks


def _settings(settings: HomeSettings) -> list[dict]:
    words = translator(settings.language)
    days = [DAY_NAMES[day] for day in settings.work_days]
    paused = settings.paused
    day_options = [
        {"text": {"type": "plain_text", "text": words.weekday(index).capitalize()}, "value": name}
        for index, name in enumerate(DAY_NAMES)
    ]
    # Each language by its own name, so someone who cannot read the current one still finds theirs.
    language_options = [
        {
            "text": {"type": "plain_text", "text": str(translator(code).locale.get_display_name()).capitalize()},
            "value": code,
        }
        for code in LANGUAGES
    ]
    time = f"{settings.nudge_time:%H:%M}"
    return [
        divider(),
        section(words.gettext("*Your coaching settings*")),
        actions(
            Block.HOME_SETTINGS,
            {
                "type": "timepicker",
                "action_id": Action.HOME_TIME,
                "initial_time": time,
                "placeholder": {"type": "plain_text", "text": words.gettext("Tip time")},
            },
            {
                "type": "static_select",
                "action_id": Action.HOME_LANGUAGE,
                "options": language_options,
                "initial_option": next(o for o in language_options if o["value"] == settings.language),
            },
            button(
                Action.HOME_PAUSE,
                words.gettext("Resume tips") if paused else words.gettext("Pause tips"),
                "resume" if paused else "pause",
            ),
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
        context(
            words.gettext("Tips come at %(time)s (%(tz)s); paused.", time=time, tz=settings.tz)
            if paused
            else words.gettext("Tips come at %(time)s (%(tz)s); on.", time=time, tz=settings.tz)
        ),
    ]


def _team_table(team: TeamWeek, words: Translator) -> list[dict]:
    lines = []
    for row in team.rows:
        if row.days is None:
            lines.append(words.gettext("• %(rep)s: nothing logged", rep=mention(row.user_id)))
            continue
        score = "-" if row.score is None else words.number(round(row.score))
        lines.append(
            words.ngettext(
                "• %(rep)s: %(num)s day · score %(score)s",
                "• %(rep)s: %(num)s days · score %(score)s",
                row.days,
                rep=mention(row.user_id),
                score=score,
            )
        )
    heading = words.ngettext(
        "*%(team)s* · this week (%(num)s rep)",
        "*%(team)s* · this week (%(num)s reps)",
        len(team.rows),
        team=escape(team.name),
    )
    return [divider(), section(heading), *sections(lines or [words.gettext("No reps yet.")])]
