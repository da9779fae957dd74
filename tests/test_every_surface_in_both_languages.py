"""Every surface an English and an Italian reader see, rendered for each: every command's answer and refusal, the log
form and its field errors, the Home tab, the coaching DMs and the answers to their buttons, the weekly summary,
recognition and kudos posts, the welcome, and what the helpdesk import adds to them.

A surface fails on a message left out of the catalog (its Italian would be its English, so a phrase, even a word such
as a button's label, appears in both renderings once names, numbers, mentions, emoji, `code` such as commands and
keys, and the few words both languages write alike are taken out), and on a placeholder left unformatted. Commands
and keys are typed the same in both languages, so the same command is sent by both readers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import get_args

import pytest
from sqlalchemy import select

from bot.blocks.helpdesk import sync_failure_message
from bot.blocks.nudges import answered_message, nudge_message
from bot.blocks.team import kudos_message, recognition_message, summary_message
from bot.blocks.welcome import welcome_message
from bot.dev.local_slack import TEAM_ID
from bot.ids import Action
from coaching.cycle import CADENCES
from coaching.definition import default_definition
from coaching.fields import FIELD_BY_KEY
from coaching.helpdesk.connector import HELPDESK_FIGURES
from coaching.helpdesk.given import GivenFigures
from coaching.i18n import Language
from coaching.library import default_library
from coaching.models import DayLog, HelpdeskAgent, HelpdeskSync
from coaching.nudges import Focus, NudgeChoice
from coaching.outcomes import record_day
from coaching.periods import PeriodName
from coaching.preferences import DAY_NAMES
from coaching.recognition import weekly_recognition
from coaching.reps import get_or_create_rep
from coaching.summary import build_team_summary, week_of
from coaching.teams import add_member, create_team, find_team
from tests.slack_requests import home_action_body, signed_headers
from tests.test_home import open_home
from tests.test_log_modal import form
from tests.test_teams import STEADY, coached_on_complaints, seed_team_of_twelve

ENGLISH, ITALIAN, TEAMMATE = "U0EMILY", "U0GIULIA", "U0RENATA"
READERS: dict[Language, str] = {"en": ENGLISH, "it": ITALIAN}
WEDNESDAY = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
LOGS = [
    "date=2026-11-16 contacts=40 fcr=28 csat=4.5 recommit=10 complaints=1 aht=9",
    "date=2026-11-23 contacts=20 fcr=16 csat=4.8 recommit=8 complaints=0 aht=7 upsells=1",
    "date=2026-11-24 contacts=30 fcr=21 csat=4.6 recommit=10 complaints=0 aht=8 upsells=2",
]
# Text that is the same in every language: mentions, channels and links; `code` (commands, keys, examples as
# typed); emoji; numbers.
SAME_IN_EVERY_LANGUAGE = re.compile(r"<[^>]*>|`[^`]*`|:[a-z0-9_+-]+:|\d+")
PHRASE_BREAKS = re.compile(r"[\n.!?;:,•·()\[\]*_~\"“”=/%+–—…]+")
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# Words written the same in both: names, units, "no", each language's own name in the language menu, timezones, and
# the keywords typed after a command (keys, periods, days, cadences) where a list of them is not in `code`.
KEYWORDS = [*FIELD_BY_KEY, *default_definition().by_key(), *DAY_NAMES, *get_args(PeriodName), *CADENCES]
SAME_WORDS = {
    "RepCoach",
    "Alfa",
    "Tier",
    "Quiet",
    "CSAT",
    "target",
    "min",
    "no",
    "English",
    "Italiano",
    "Europe",
    "Rome",
}
SAME_WORDS |= {word for keyword in KEYWORDS for word in keyword.split("_")}
LEFT_UNFORMATTED = re.compile(r"%\(|%s\b|\{\{|\}\}|\{%|%\}")


def phrases(text: str) -> set[str]:
    """The phrases a reader reads, with what stays the same in every language taken out."""
    found = set()
    for piece in PHRASE_BREAKS.split(SAME_IN_EVERY_LANGUAGE.sub(" ", text)):
        words = WORD.findall(piece)
        if not set(words) <= SAME_WORDS:
            found.add(" ".join(words))
    return found


def shown(payload: object) -> list[str]:
    """Every text in a message, a view or a form's errors: blocks, buttons, labels, hints, options and the fallback
    (Slack's every text is a `text`), but not the values buttons carry."""
    if isinstance(payload, list):
        return [text for item in payload for text in shown(item)]
    if not isinstance(payload, dict):
        return [payload] if isinstance(payload, str) else []
    found = []
    for key, value in payload.items():
        if key == "text" and isinstance(value, str):
            found.append(value)
        elif key == "errors" and isinstance(value, dict):
            found += [str(error) for error in value.values()]
        elif isinstance(value, dict | list):
            found += shown(value)
    return found


def assert_in_both_languages(english: object, italian: object) -> None:
    english_text, italian_text = "\n".join(shown(english)), "\n".join(shown(italian))
    assert english_text.strip() and italian_text.strip()
    for text in (english_text, italian_text):
        assert not LEFT_UNFORMATTED.search(text), f"a placeholder left unformatted in: {text!r}"
    untranslated = phrases(english_text) & phrases(italian_text)
    assert not untranslated, f"the Italian has English phrases {sorted(untranslated)} in:\n{italian_text}"


@pytest.fixture
def readers(bot, sessions, slack, clock):
    """An English and an Italian rep with three logged days, both leads of team Alfa (with Renata) on a Wednesday."""
    clock.fixed = WEDNESDAY
    slack.add_user(ENGLISH, locale="en-US")
    slack.add_user(ITALIAN, locale="it-IT")
    slack.add_user(TEAMMATE, locale="it-IT")
    for text in LOGS:
        for user in (ENGLISH, ITALIAN, TEAMMATE):
            bot.log(text, user=user)
    with sessions.begin() as session:
        team = create_team(session, TEAM_ID, "Alfa", "C0ALFA")
        for user in (ENGLISH, ITALIAN, TEAMMATE):
            add_member(session, team, get_or_create_rep(session, TEAM_ID, user), is_lead=user != TEAMMATE)
    return bot


def answer(bot, slack, command: str, text: str, user: str) -> dict:
    """The command's answer: in the acknowledgement, or (for one that needs Slack first) through its response_url."""
    before = len(slack.calls_to("response/command"))
    response = bot.slash(command, text, user=user)
    assert response.status_code == 200
    if response.text:
        return response.json()
    return slack.wait_for("response/command", count=before + 1)[-1].args


# (command, text): `{me}` is the reader, `{lang}` their own language.
COMMANDS = [
    ("/log", "contacts=30 fcr=24 csat=4.6"),
    ("/log", "date=2026-11-20 contacts=30 fcr=24 csat=4.6 aht=7.5 upsells=2"),
    ("/log", "help"),
    ("/log", "contacts=-3"),
    ("/log", "contacts=30 fcr=40"),
    ("/log", "dance=3"),
    ("/log", "contacts=ten"),
    ("/log", "csat=9"),
    ("/log", "date=2099-01-01 contacts=3"),
    ("/log", "date=2020-01-01 contacts=3"),
    ("/log", "date=yesterday-ish contacts=3"),
    ("/scorecard", ""),
    ("/scorecard", "month"),
    ("/scorecard", "quarter"),
    ("/scorecard", "team Alfa"),
    ("/scorecard", f"<@{TEAMMATE}|renata>"),
    ("/scorecard", "team Nowhere"),
    ("/scorecard", "<@U0STRANGER|stranger>"),
    ("/scorecard", "fortnight"),
    ("/coach", ""),
    ("/coach", "help"),
    ("/coach", "tip"),
    ("/coach", "time 07:15"),
    ("/coach", "time 25:99"),
    ("/coach", "days mon-thu"),
    ("/coach", "days funday"),
    ("/coach", "lang {lang}"),
    ("/coach", "lang xx"),
    ("/coach", "cadence weekly"),
    ("/coach", "cadence hourly"),
    ("/coach", "pause 3"),
    ("/coach", "pause"),
    ("/coach", "pause forever"),
    ("/coach", "resume"),
    ("/coach", "away 2026-12-24 2026-12-26"),
    ("/coach", "away nonsense"),
    ("/coach", "holidays"),
    ("/coach", "holidays add 2026-12-25"),
    ("/coach", "settings"),
    ("/coach", "forget-me"),
    ("/coach", "dance"),
    ("/coach", "team list"),
    ("/coach", "team fly"),
    ("/coach", "team create Beta <#C0BETA|beta>"),
    ("/coach", "team add Alfa <@U0NEW|new>"),
    ("/coach", "team targets Alfa csat=4.6 fcr_rate=75%"),
    ("/coach", "team targets Alfa speed=3"),
    ("/coach", "team targets Alfa csat=9"),
    ("/coach", "team targets Nowhere csat=4.6"),
    ("/coach", "team lang Alfa it"),
    ("/coach", "team lang Alfa"),
    ("/coach", "team lang Alfa xx"),
    ("/coach", "admin <@U0NEW|new>"),
    ("/coach", f"kudos <@{TEAMMATE}|renata> for patience"),
    ("/coach", "kudos <@{me}|me> for patience"),
    ("/coach", "kudos somebody"),
    ("/coach", "kudos <@U0STRANGER|stranger> for patience"),
    ("/coach", "recognition off"),
    ("/coach", "recognition on"),
    ("/coach", "recognition maybe"),
    ("/coach", "summary"),
]


@pytest.mark.parametrize("command, text", COMMANDS, ids=[f"{command} {text}".strip() for command, text in COMMANDS])
def test_every_command_answer_and_refusal(readers, slack, command, text):
    rendered = {
        language: answer(readers, slack, command, text.format(me=user, lang=language), user)
        for language, user in READERS.items()
    }
    assert_in_both_languages(rendered["en"], rendered["it"])


def test_the_log_form(readers, slack):
    views = {}
    for language, user in READERS.items():
        before = len(slack.calls_to("views.open"))
        assert readers.slash("/log", "", user=user).status_code == 200
        views[language] = slack.wait_for("views.open", count=before + 1)[-1].structured("view")
    assert_in_both_languages(views["en"], views["it"])


@pytest.mark.parametrize(
    "figures",
    [
        {"contacts": "10", "csat": "7", "aht": "-2"},
        {"contacts": "10", "fcr": "12"},
        {"day": date(2099, 1, 1), "contacts": "10"},
        {"day": date(2020, 1, 1), "contacts": "10"},
        {"contacts": "25", "fcr": "20", "csat": "4.7"},
    ],
    ids=["out of bounds", "more than contacts", "future day", "too long ago", "saved"],
)
def test_the_log_form_s_field_errors_and_saved_view(readers, figures):
    figures = dict(figures)
    day = figures.pop("day", WEDNESDAY.date())
    answers = {
        language: readers.submit_view("log_day", form(day=day, **figures), user=user).json()
        for language, user in READERS.items()
    }
    assert_in_both_languages(answers["en"], answers["it"])


def test_the_home_tab(readers, slack):
    readers.slash("/coach", "tip", user=ENGLISH)
    readers.slash("/coach", "tip", user=ITALIAN)
    views = {language: open_home(readers, user) for language, user in READERS.items()}
    assert_in_both_languages(views["en"], views["it"])


def test_a_home_setting_refused(readers, slack):
    refusals = {}
    for language, user in READERS.items():
        body = home_action_body({"type": "timepicker", "action_id": "home_time", "selected_time": "25:99"}, user)
        assert readers.post(body, signed_headers(body)).status_code == 200
        refusals[language] = slack.wait_for("chat.postMessage", channel=user)[-1].args
    assert_in_both_languages(refusals["en"], refusals["it"])


@dataclass(frozen=True)
class Coaching:
    """A coaching DM's choice, and whether it starts the week."""

    choice: NudgeChoice
    week_start: bool = False


DEFINITION = default_definition()
LIBRARY = default_library()
FCR = DEFINITION.by_key()["fcr_rate"]
PRACTICE = LIBRARY.for_metric("fcr_rate")[0]
STRETCH = LIBRARY.stretch()[0]
THIN, SURE = Focus(FCR, 0.6, 0.8, days=2), Focus(FCR, 0.6, 0.8, days=12)
COACHING = {
    "onboarding": Coaching(NudgeChoice("onboarding")),
    "praise": Coaching(NudgeChoice("praise", days=10)),
    "incomplete": Coaching(NudgeChoice("incomplete", days=3, missing=(FCR, DEFINITION.by_key()["csat"]))),
    "rest": Coaching(NudgeChoice("rest", days=10)),
    "tip": Coaching(NudgeChoice("practice", PRACTICE, SURE, days=12)),
    "tip on thin figures": Coaching(NudgeChoice("practice", PRACTICE, THIN, days=2)),
    "week's start": Coaching(NudgeChoice("practice", PRACTICE, SURE, days=12), week_start=True),
    "week's start on thin figures": Coaching(NudgeChoice("practice", PRACTICE, THIN, days=2), week_start=True),
    "review": Coaching(NudgeChoice("review", PRACTICE, SURE, days=12)),
    "stretch": Coaching(NudgeChoice("stretch", STRETCH, days=12)),
    "follow-up": Coaching(NudgeChoice("follow_up", PRACTICE, SURE, days=12)),
    "wrap-up, better": Coaching(NudgeChoice("wrap_up", PRACTICE, Focus(FCR, 0.7, 0.8, days=3), before=0.6)),
    "wrap-up, worse": Coaching(NudgeChoice("wrap_up", PRACTICE, Focus(FCR, 0.5, 0.8, days=3), before=0.6)),
    "wrap-up, met": Coaching(NudgeChoice("wrap_up", PRACTICE, Focus(FCR, 0.85, 0.8, days=3), before=0.6)),
    "wrap-up, same": Coaching(NudgeChoice("wrap_up", PRACTICE, Focus(FCR, 0.6, 0.8, days=3), before=0.6)),
    "wrap-up, nothing logged": Coaching(NudgeChoice("wrap_up", PRACTICE, Focus(FCR, 0.6, 0.8, days=0), before=0.6)),
    "wrap-up, no start": Coaching(NudgeChoice("wrap_up", PRACTICE, Focus(FCR, 0.6, 0.8, days=0))),
}


@pytest.mark.parametrize("name", COACHING)
def test_every_coaching_dm(name):
    coaching = COACHING[name]
    english, italian = (
        nudge_message(1, coaching.choice, language, week_start=coaching.week_start) for language in READERS
    )
    assert_in_both_languages(english, italian)


ANSWERS = ["helpful", "not_for_me", "snoozed", "trying", "another", "no_difference", "not_yet"]


@pytest.mark.parametrize("feedback", ANSWERS)
def test_every_answer_to_a_coaching_dm(feedback):
    english, italian = (
        answered_message(nudge_message(1, COACHING["tip"].choice, language)["blocks"], feedback, language)
        for language in READERS
    )
    assert_in_both_languages(english, italian)


def tip_buttons(bot, user: str) -> dict[str, str]:
    tip = bot.slash("/coach", "tip", user=user).json()
    return {element["action_id"]: element["value"] for block in tip["blocks"] for element in block.get("elements", [])}


@pytest.mark.parametrize(
    "clicked",
    [
        lambda bot, user, other: (Action.NUDGE_HELPFUL, tip_buttons(bot, user)[Action.NUDGE_HELPFUL], user),
        lambda bot, user, other: (Action.NUDGE_HELPFUL, tip_buttons(bot, other)[Action.NUDGE_HELPFUL], user),
        lambda bot, user, other: (Action.NUDGE_ANOTHER, tip_buttons(bot, user)[Action.NUDGE_HELPFUL], user),
        lambda bot, user, other: (Action.NUDGE_HELPFUL, '{"nudge_id": "not a number"}', user),
    ],
    ids=["answered", "someone else's", "another one", "a value we did not make"],
)
def test_a_click_on_a_coaching_dm_s_button(readers, slack, clicked: Callable):
    answers = {}
    for language, user in READERS.items():
        other = ITALIAN if user == ENGLISH else ENGLISH
        action, value, clicker = clicked(readers, user, other)
        before = len(slack.calls_to("response/action"))
        assert readers.click(action, value, user=clicker).status_code == 200
        answers[language] = slack.wait_for("response/action", count=before + 1)[-1].args
    assert_in_both_languages(answers["en"], answers["it"])


@pytest.mark.parametrize("action", [Action.FORGET_ME_CONFIRM, Action.FORGET_ME_CANCEL], ids=["erased", "kept"])
def test_the_answer_to_forget_me(readers, slack, action):
    answers = {}
    for language, user in READERS.items():
        before = len(slack.calls_to("response/action"))
        assert readers.click(action, "forget_me", user=user).status_code == 200
        answers[language] = slack.wait_for("response/action", count=before + 1)[-1].args
    assert_in_both_languages(answers["en"], answers["it"])


NEWCOMERS: dict[Language, str] = {"en": "U0NEWEN", "it": "U0NEWIT"}


@pytest.mark.parametrize("command, text", [("/scorecard", ""), ("/scorecard", "team"), ("/coach", "tip")])
def test_what_someone_new_is_answered_before_logging_anything(bot, slack, command, text):
    slack.add_user(NEWCOMERS["en"], locale="en-GB")
    slack.add_user(NEWCOMERS["it"], locale="it-IT")
    rendered = {language: answer(bot, slack, command, text, user) for language, user in NEWCOMERS.items()}
    assert_in_both_languages(rendered["en"], rendered["it"])


def test_someone_new_s_home_tab_and_welcome(bot, slack):
    slack.add_user(NEWCOMERS["en"], locale="en-GB")
    slack.add_user(NEWCOMERS["it"], locale="it-IT")
    homes = {language: open_home(bot, user) for language, user in NEWCOMERS.items()}
    assert_in_both_languages(homes["en"], homes["it"])
    welcomes = {
        language: slack.wait_for("chat.postMessage", channel=user)[0].args for language, user in NEWCOMERS.items()
    }
    assert_in_both_languages(welcomes["en"], welcomes["it"])


def test_the_welcome():
    assert_in_both_languages(welcome_message("en"), welcome_message("it"))


def test_kudos():
    assert_in_both_languages(
        kudos_message("U0A", "U0B", "patience", "en"), kudos_message("U0A", "U0B", "patience", "it")
    )


def test_the_weekly_summary_with_reps_at_risk_one_to_ones_and_figures_to_check(sessions):
    seed_team_of_twelve(sessions)
    coached_on_complaints(sessions)
    with sessions() as session:
        team = find_team(session, "Tier 1", TEAM_ID)
        summary = build_team_summary(session, team, week_of(date(2026, 11, 16)), DEFINITION, LIBRARY)
        english, italian = (summary_message(summary, DEFINITION, LIBRARY, language) for language in READERS)
    assert_in_both_languages(english, italian)


def test_the_weekly_summary_of_a_team_with_nothing_logged(sessions):
    with sessions.begin() as session:
        team = create_team(session, TEAM_ID, "Quiet", "C0QUIET")
        add_member(session, team, get_or_create_rep(session, TEAM_ID, "U0ANNA"))
    with sessions() as session:
        team = find_team(session, "Quiet", TEAM_ID)
        summary = build_team_summary(session, team, week_of(date(2026, 11, 16)), DEFINITION, LIBRARY)
        english, italian = (summary_message(summary, DEFINITION, LIBRARY, language) for language in READERS)
    assert_in_both_languages(english, italian)


def test_recognition(sessions):
    users = seed_team_of_twelve(sessions)
    with sessions.begin() as session:
        for user in users:
            rep = get_or_create_rep(session, TEAM_ID, user)
            for weekday in range(4):
                figures = dict(STEADY, recommit=10 if user == "U0R04" else 9)
                record_day(session, rep.id, date(2026, 11, 23) + timedelta(days=weekday), figures, datetime.now(UTC))
    with sessions() as session:
        team = find_team(session, "Tier 1", TEAM_ID)
        recognition = weekly_recognition(session, team, week_of(date(2026, 11, 23)), DEFINITION)
    assert recognition is not None and {win.kind for win in recognition.wins} == {
        "every_target",
        "customer_lift",
        "fcr_streak",
    }
    assert_in_both_languages(recognition_message(recognition, "en"), recognition_message(recognition, "it"))


def test_the_check_finds_an_untranslated_phrase_or_word_and_a_placeholder_left_unformatted():
    with pytest.raises(AssertionError, match="English phrases"):
        assert_in_both_languages(":tada: *Alfa: this week's wins*", ":tada: *Alfa: this week's wins*")
    helpful = {"type": "button", "text": {"type": "plain_text", "text": "Helpful"}, "value": "{}"}
    with pytest.raises(AssertionError, match=r"\['Helpful'\]"):
        assert_in_both_languages({"text": "Un consiglio", "blocks": [helpful]}, {"text": "A tip", "blocks": [helpful]})
    with pytest.raises(AssertionError, match="unformatted"):
        assert_in_both_languages("Logged %(day)s", "Registrato %(day)s")
    assert_in_both_languages("Logged `contacts=30` for <@U0A> on 2 Dec", "Registrato `contacts=30` per <@U0A> il 2 dic")


@pytest.fixture
def helpdesk_readers(readers, sessions):
    """The readers are admins, each matched to a Zendesk agent; another agent, with Renata's email, is matched to
    nobody yet."""
    with sessions.begin() as session:
        session.add(HelpdeskSync(workspace_id=TEAM_ID, source="zendesk", backfill_from=date(2026, 11, 11)))
        for user in (*READERS.values(), None):
            rep = get_or_create_rep(session, TEAM_ID, user) if user else None
            if rep is not None:
                rep.named_admin = True
            agent_id = user or "U0RENATA-AGENT"
            email = f"{agent_id.lower()}@example.com" if user else "renata@example.com"
            session.add(
                HelpdeskAgent(
                    workspace_id=TEAM_ID,
                    source="zendesk",
                    agent_id=agent_id,
                    email=email,
                    name=agent_id,
                    rep_id=rep.id if rep else None,
                )
            )
    return readers


HELPDESK_COMMANDS = [
    ("/log", "help"),
    ("/log", "csat=4"),
    ("/coach", f"helpdesk link <@{TEAMMATE}|renata> renata@example.com"),
    ("/coach", f"helpdesk link <@{TEAMMATE}|renata> <mailto:nobody@example.com|nobody@example.com>"),
    ("/coach", f"helpdesk link <@{TEAMMATE}|renata> nonsense"),
    ("/coach", "helpdesk unlink"),
    ("/coach", "team helpdesk Alfa contacts csat"),
    ("/coach", "team helpdesk Alfa none"),
    ("/coach", "team helpdesk Alfa fcr"),
    ("/coach", "team helpdesk Alfa contacts upsells"),
    ("/coach", "team helpdesk Alfa"),
]


@pytest.mark.parametrize(
    "command, text", HELPDESK_COMMANDS, ids=[f"{command} {text}" for command, text in HELPDESK_COMMANDS]
)
def test_every_helpdesk_answer_and_refusal(helpdesk_readers, slack, command, text):
    rendered = {language: answer(helpdesk_readers, slack, command, text, user) for language, user in READERS.items()}
    assert_in_both_languages(rendered["en"], rendered["it"])


def test_the_log_form_with_the_helpdesk_s_figures(helpdesk_readers, slack):
    views = {}
    for language, user in READERS.items():
        before = len(slack.calls_to("views.open"))
        assert helpdesk_readers.slash("/log", "", user=user).status_code == 200
        views[language] = slack.wait_for("views.open", count=before + 1)[-1].structured("view")
        assert any(block["type"] == "context" for block in views[language]["blocks"])
    assert_in_both_languages(views["en"], views["it"])


def test_a_figure_imported_into_the_day_refused(readers, slack, sessions):
    with sessions.begin() as session:
        for user in READERS.values():
            rep = get_or_create_rep(session, TEAM_ID, user)
            day = session.scalars(select(DayLog).where(DayLog.rep_id == rep.id, DayLog.day == date(2026, 11, 24))).one()
            day.imported_keys, day.imported_from = "contacts,csat", "freshdesk"
    rendered = {
        language: answer(readers, slack, "/log", "date=2026-11-24 csat=4", user) for language, user in READERS.items()
    }
    assert_in_both_languages(rendered["en"], rendered["it"])


def test_the_welcome_of_a_rep_whose_helpdesk_gives_figures():
    given = GivenFigures("Zendesk", HELPDESK_FIGURES)
    assert_in_both_languages(welcome_message("en", given), welcome_message("it", given))


@pytest.mark.parametrize("kind", ["auth", "unavailable"])
def test_a_helpdesk_sync_s_failure_told_to_admins(kind):
    english, italian = (
        sync_failure_message(helpdesk="Zendesk", failure="401 Unauthorized", kind=kind, language=language)
        for language in READERS
    )
    assert_in_both_languages(english, italian)
