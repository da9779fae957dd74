"""`/coach team …`, `/coach admin`, `/coach helpdesk link`, `/coach kudos`, `/coach recognition` and
`/coach summary`."""

from __future__ import annotations

import re
from datetime import timedelta

from babel import Locale

from bot.blocks.kit import Message, escape, simple
from bot.delivery.queue import queue_kudos, queue_summary, queue_welcome
from bot.delivery.sender import OutboxSender
from bot.listeners.coach_request import CoachRequest, Handler
from bot.slack.mentions import channel_id, mention, split_name, unescape, user_id, user_ids
from coaching import access, preferences
from coaching.fields import FIELDS
from coaching.helpdesk.agents import link_agent, redo_days
from coaching.helpdesk.days import set_team_figures
from coaching.i18n import Translator, lazy_gettext, translator
from coaching.kudos import give_kudos
from coaching.models import Team
from coaching.reps import MAX_EMAIL_LENGTH, get_or_create_rep
from coaching.summary import week_of
from coaching.teams import (
    TeamError,
    add_member,
    create_team,
    find_team,
    list_teams,
    parse_targets,
    remove_member,
    reps_of,
    set_targets,
    set_team_language,
    teams_led_by,
)


def team(request: CoachRequest) -> Message:
    action, _, rest = request.text.partition(" ")
    actions = {
        "create": create,
        "add": add,
        "remove": remove,
        "lead": lead,
        "targets": targets,
        "lang": team_lang,
        "helpdesk": team_helpdesk,
        "list": listing,
    }
    handler = actions.get(action.lower())
    if handler is None:
        raise TeamError(
            lazy_gettext(
                "Use `/coach team create|add|remove|lead|targets|lang|helpdesk|list …`; `/coach help` shows each."
            )
        )
    return handler(request, rest)


def create(request: CoachRequest, rest: str) -> Message:
    _require_admin(request)
    name, words = split_name(rest)
    if len(words) != 1:
        raise TeamError(lazy_gettext("Use `/coach team create NAME #channel`."))
    new = create_team(request.session, request.rep.workspace_id, name, channel_id(words[0]))
    return simple(
        request.translator.gettext(
            ":busts_in_silhouette: Team *%(team)s* created; its posts go to %(channel)s.",
            team=escape(new.name),
            channel=_channel(new.channel_id),
        )
    )


def add(request: CoachRequest, rest: str) -> Message:
    found, users = _admin_team_and_users(request, rest)
    added = [user for user in users if add_member(request.session, found, _rep(request, user))]
    if any([queue_welcome(session=request.session, deps=request.deps, rep=_rep(request, user)) for user in added]):
        request.after.append(lambda: OutboxSender(request.deps).drain())
    say = request.translator
    if not added:
        return simple(say.gettext(":heavy_plus_sign: Added to *%(team)s*: nobody new.", team=escape(found.name)))
    return simple(
        say.gettext(
            ":heavy_plus_sign: Added to *%(team)s*: %(reps)s.", team=escape(found.name), reps=_mentions(say, added)
        )
    )


def remove(request: CoachRequest, rest: str) -> Message:
    found, users = _admin_team_and_users(request, rest)
    removed = [user for user in users if remove_member(request.session, found, _rep(request, user))]
    say = request.translator
    if not removed:
        return simple(
            say.gettext(
                ":heavy_minus_sign: Removed from *%(team)s*: nobody (they were not in it).", team=escape(found.name)
            )
        )
    return simple(
        say.gettext(
            ":heavy_minus_sign: Removed from *%(team)s*: %(reps)s.",
            team=escape(found.name),
            reps=_mentions(say, removed),
        )
    )


def lead(request: CoachRequest, rest: str) -> Message:
    found, users = _admin_team_and_users(request, rest)
    for user in users:
        add_member(request.session, found, _rep(request, user), is_lead=True)
    say = request.translator
    return simple(
        say.ngettext(
            ":star: %(leads)s now leads *%(team)s*.",
            ":star: %(leads)s now lead *%(team)s*.",
            len(users),
            leads=_mentions(say, users),
            team=escape(found.name),
        )
    )


def targets(request: CoachRequest, rest: str) -> Message:
    name, words = split_name(rest)
    found = find_team(request.session, name, request.rep.workspace_id)
    if not (access.may_manage_teams(request.rep) or access.may_view_team(request.session, request.rep, found)):
        raise TeamError(
            lazy_gettext(
                "Only workspace admins, and people an admin has named, can manage teams. "
                "A team's leads can set its targets too."
            )
        )
    if found is None:
        raise TeamError(lazy_gettext("There is no team named %(team)s.", team=name))
    chosen = parse_targets(words, request.deps.definition)
    set_targets(request.session, found, chosen)
    by_key = request.deps.definition.by_key()
    say, language = request.translator, request.language
    listed = say.list_of(
        f"{by_key[key].label_in(language)} {by_key[key].format(value, language)}" for key, value in chosen.items()
    )
    return simple(
        say.gettext(":dart: New targets for *%(team)s*: %(targets)s.", team=escape(found.name), targets=listed)
    )


def team_lang(request: CoachRequest, rest: str) -> Message:
    """`/coach team lang NAME it|en`: the language of the team channel's recognition and kudos posts."""
    name, words = split_name(rest)
    reader = preferences.language(request.rep)
    found = find_team(request.session, name, request.rep.workspace_id)
    if not (access.may_manage_teams(request.rep) or access.may_view_team(request.session, request.rep, found)):
        raise TeamError(lazy_gettext("Only workspace admins and the team's leads can set a team's language."))
    if found is None or len(words) != 1:
        raise TeamError(lazy_gettext("Use `/coach team lang NAME it|en`."))
    chosen = set_team_language(team=found, text=words[0])
    language_name = Locale.parse(chosen).get_display_name(reader)
    return simple(
        translator(reader).gettext(
            ":speech_balloon: The recognition and kudos posts of *%(team)s* now come in %(language)s.",
            team=escape(found.name),
            language=language_name,
        )
    )


def team_helpdesk(request: CoachRequest, rest: str) -> Message:
    """`/coach team helpdesk NAME all|none|KEY …`: which figures the team's members get from their helpdesk instead
    of typing them; their days are imported again with the new choice."""
    found, words = _admin_team(request, rest)
    chosen = set_team_figures(team=found, words=[word.lower() for word in words])
    members = reps_of(request.session, found, leads=True) + reps_of(request.session, found, leads=False)
    redo_days(
        request.session,
        workspace_id=request.rep.workspace_id,
        rep_ids=[member.id for member in members],
        now=request.deps.now(),
    )
    say = request.translator
    if not chosen:
        return simple(
            say.gettext(
                ":inbox_tray: *%(team)s* takes no figures from the helpdesk: its members log them all.",
                team=escape(found.name),
            )
        )
    return simple(
        say.gettext(
            ":inbox_tray: *%(team)s* now takes %(figures)s from the helpdesk; its members log the rest.",
            team=escape(found.name),
            figures=say.list_of(f"`{field.key}`" for field in FIELDS if field.key in chosen),
        )
    )


def listing(request: CoachRequest, rest: str) -> Message:
    teams = list_teams(request.session, request.rep.workspace_id)
    if not teams:
        return simple(
            request.translator.gettext("No teams yet. An admin creates one with `/coach team create NAME #channel`.")
        )
    say = request.translator
    lines = [
        say.ngettext(
            "• *%(team)s* · %(channel)s · leads: %(leads)s · %(num)s rep",
            "• *%(team)s* · %(channel)s · leads: %(leads)s · %(num)s reps",
            len(reps),
            team=escape(found.name),
            channel=_channel(found.channel_id) if found.channel_id else say.gettext("no channel"),
            leads=_mentions(say, [rep.user_id for rep in leads]) or say.gettext("none"),
        )
        for found, leads, reps in teams
    ]
    return simple(say.gettext("*Teams*") + "\n" + "\n".join(lines))


def admin(request: CoachRequest) -> Message:
    _require_admin(request)
    users = user_ids(request.words)
    for user in users:
        _rep(request, user).named_admin = True
    say = request.translator
    return simple(
        say.ngettext(
            ":key: %(people)s can now manage teams.",
            ":key: %(people)s can now manage teams.",
            len(users),
            people=_mentions(say, users),
        )
    )


def helpdesk(request: CoachRequest) -> Message:
    """`/coach helpdesk link @rep agent@example.com`: the helpdesk agent with that email is this rep, whatever
    their Slack email; the agent's days are imported again for them."""
    _require_admin(request)
    words = request.words
    if len(words) != 3 or words[0].lower() != "link":
        raise TeamError(lazy_gettext("Use `/coach helpdesk link @rep agent@example.com`."))
    email = _email(words[2])
    rep = _rep(request, user_id(words[1]))
    agents = link_agent(
        session=request.session, workspace_id=request.rep.workspace_id, email=email, rep=rep, now=request.deps.now()
    )
    say = request.translator
    if not agents:
        return simple(
            say.gettext(
                ":link: `%(email)s` is now %(rep)s's. No synced agent has that email yet; the next sync brings "
                "their ticket figures.",
                email=escape(email),
                rep=mention(rep.user_id),
            )
        )
    return simple(
        say.ngettext(
            ":link: %(num)s synced agent has the email `%(email)s`; their ticket figures are now %(rep)s's.",
            ":link: %(num)s synced agents have the email `%(email)s`; their ticket figures are now %(rep)s's.",
            agents,
            email=escape(email),
            rep=mention(rep.user_id),
        )
    )


# An address as a helpdesk holds it; Slack sends one typed in a command as `<mailto:a@b.com|a@b.com>`.
_EMAIL = re.compile(r"[^@\s<>|]+@[^@\s<>|.]+(?:\.[^@\s<>|.]+)+")
_MAILTO = re.compile(r"<mailto:([^|>]*)(?:\|[^>]*)?>")


def _email(word: str) -> str:
    linked = _MAILTO.fullmatch(word)
    email = unescape(linked[1] if linked else word)
    if len(email) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(email):
        shown = word if len(word) <= 40 else word[:40] + "…"
        raise TeamError(
            lazy_gettext("`%(given)s` is not an email; give the agent's, like `agent@example.com`.", given=shown)
        )
    return email.lower()


def kudos(request: CoachRequest) -> Message:
    words = request.text.split(maxsplit=2)
    if len(words) < 3 or words[1].lower() != "for":
        raise TeamError(lazy_gettext("Use `/coach kudos @rep for what they did`."))
    receiver_id = user_id(words[0])
    receiver = _rep(request, receiver_id)
    giver = request.rep
    given = give_kudos(
        session=request.session,
        giver=giver,
        receiver=receiver,
        reason=unescape(words[2]).strip(),
        today=request.today,
        now=request.deps.now(),
    )
    queue_kudos(session=request.session, deps=request.deps, giver=giver, receiver=receiver, given=given)
    request.after.append(lambda: OutboxSender(request.deps).drain())
    say = request.translator
    if given.public:
        return simple(
            say.gettext(
                ":clap: Kudos to %(rep)s posted in %(channel)s.",
                rep=mention(receiver_id),
                channel=_channel(given.channel_id),
            )
        )
    return simple(
        say.gettext(
            ":clap: %(rep)s prefers not to be named in team posts, so your kudos went to them directly.",
            rep=mention(receiver_id),
        )
    )


def recognition(request: CoachRequest) -> Message:
    choice = request.text.lower()
    if choice not in ("on", "off"):
        raise TeamError(
            lazy_gettext("Use `/coach recognition off` to keep your name out of team posts, `on` to be named again.")
        )
    request.rep.recognition_opt_out = choice == "off"
    say = request.translator
    if choice == "off":
        return simple(
            say.gettext(":see_no_evil: Your name stays out of recognition and kudos posts; kudos reach you directly.")
        )
    return simple(say.gettext(":tada: Your wins can be celebrated in your team's channel again."))


def summary(request: CoachRequest) -> Message:
    led = teams_led_by(request.session, request.rep)
    if not led:
        raise TeamError(lazy_gettext("Weekly summaries are for team leads."))
    week = week_of(request.today)
    stamp = request.deps.now().isoformat()
    for found in led:
        key = f"summary-now:{found.id}:{request.rep.id}:{stamp}"
        queue_summary(session=request.session, deps=request.deps, team=found, lead=request.rep, week=week, key=key)
    request.after.append(lambda: OutboxSender(request.deps).drain(timedelta(seconds=30)))
    say = request.translator
    return simple(
        say.gettext(
            ":bar_chart: Your summary for %(teams)s (this week so far) is on its way to your DMs.",
            teams=say.list_of(escape(found.name) for found in led),
        )
    )


def _require_admin(request: CoachRequest) -> None:
    if not access.may_manage_teams(request.rep):
        raise TeamError(access.NOT_ADMIN)


def _admin_team(request: CoachRequest, rest: str) -> tuple[Team, list[str]]:
    """The team an admin names, and the words after its name."""
    _require_admin(request)
    name, words = split_name(rest)
    found = find_team(request.session, name, request.rep.workspace_id)
    if found is None:
        raise TeamError(lazy_gettext("There is no team named %(team)s. `/coach team list` shows them.", team=name))
    return found, words


def _admin_team_and_users(request: CoachRequest, rest: str):
    found, words = _admin_team(request, rest)
    return found, user_ids(words)


def _rep(request: CoachRequest, user: str):
    return get_or_create_rep(request.session, request.rep.workspace_id, user)


def _channel(channel: str | None) -> str:
    return f"<#{channel}>"


def _mentions(say: Translator, users: list[str]) -> str:
    return say.list_of(mention(user) for user in users)


HANDLERS: dict[str, Handler] = {
    "team": team,
    "admin": admin,
    "helpdesk": helpdesk,
    "kudos": kudos,
    "recognition": recognition,
    "summary": summary,
}
