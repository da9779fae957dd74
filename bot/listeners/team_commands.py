"""`/coach team …`, `/coach admin`, `/coach kudos`, `/coach recognition` and `/coach summary`."""

from __future__ import annotations

from datetime import timedelta

from babel import Locale

from bot.blocks.kit import Message, escape, simple
from bot.delivery.queue import queue_kudos, queue_summary, queue_welcome
from bot.delivery.sender import OutboxSender
from bot.listeners.coach_request import CoachRequest, Handler
from bot.slack.mentions import channel_id, mention, split_name, unescape, user_id, user_ids
from coaching import access, preferences
from coaching.i18n import lazy_gettext, translator
from coaching.kudos import give_kudos
from coaching.reps import get_or_create_rep
from coaching.summary import week_of
from coaching.teams import (
    TeamError,
    add_member,
    create_team,
    find_team,
    list_teams,
    parse_targets,
    remove_member,
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
        "list": listing,
    }
    handler = actions.get(action.lower())
    if handler is None:
        raise TeamError("Use `/coach team create|add|remove|lead|targets|lang|list …`; `/coach help` shows each.")
    return handler(request, rest)


def create(request: CoachRequest, rest: str) -> Message:
    _require_admin(request)
    name, words = split_name(rest)
    if len(words) != 1:
        raise TeamError("Use `/coach team create NAME #channel`.")
    new = create_team(request.session, request.rep.workspace_id, name, channel_id(words[0]))
    return simple(f":busts_in_silhouette: Team *{new.name}* created; its posts go to <#{new.channel_id}>.")


def add(request: CoachRequest, rest: str) -> Message:
    found, users = _admin_team_and_users(request, rest)
    added = [user for user in users if add_member(request.session, found, _rep(request, user))]
    if any([queue_welcome(session=request.session, deps=request.deps, rep=_rep(request, user)) for user in added]):
        request.after.append(lambda: OutboxSender(request.deps).drain())
    return simple(f":heavy_plus_sign: Added to *{found.name}*: {_mentions(added) or 'nobody new'}.")


def remove(request: CoachRequest, rest: str) -> Message:
    found, users = _admin_team_and_users(request, rest)
    removed = [user for user in users if remove_member(request.session, found, _rep(request, user))]
    return simple(
        f":heavy_minus_sign: Removed from *{found.name}*: {_mentions(removed) or 'nobody (they were not in it)'}."
    )


def lead(request: CoachRequest, rest: str) -> Message:
    found, users = _admin_team_and_users(request, rest)
    for user in users:
        add_member(request.session, found, _rep(request, user), is_lead=True)
    return simple(f":star: {_mentions(users)} now lead{'s' if len(users) == 1 else ''} *{found.name}*.")


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
        raise TeamError(f"There is no team named {name}.")
    chosen = parse_targets(words, request.deps.definition)
    set_targets(request.session, found, chosen)
    by_key = request.deps.definition.by_key()
    listed = ", ".join(f"{by_key[key].label} {by_key[key].format(value)}" for key, value in chosen.items())
    return simple(f":dart: New targets for *{found.name}*: {listed}.")


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


def listing(request: CoachRequest, rest: str) -> Message:
    teams = list_teams(request.session, request.rep.workspace_id)
    if not teams:
        return simple("No teams yet. An admin creates one with `/coach team create NAME #channel`.")
    lines = [
        f"• *{found.name}* · {'<#' + found.channel_id + '>' if found.channel_id else 'no channel'} · "
        f"leads: {_mentions([rep.user_id for rep in leads]) or 'none'} · {len(reps)} reps"
        for found, leads, reps in teams
    ]
    return simple("*Teams*\n" + "\n".join(lines))


def admin(request: CoachRequest) -> Message:
    _require_admin(request)
    users = user_ids(request.words)
    for user in users:
        _rep(request, user).named_admin = True
    return simple(f":key: {_mentions(users)} can now manage teams.")


def kudos(request: CoachRequest) -> Message:
    words = request.text.split(maxsplit=2)
    if len(words) < 3 or words[1].lower() != "for":
        raise TeamError("Use `/coach kudos @rep for what they did`.")
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
    if given.public:
        return simple(f":clap: Kudos to {mention(receiver_id)} posted in <#{given.channel_id}>.")
    return simple(
        f":clap: {mention(receiver_id)} prefers not to be named in team posts, so your kudos went to them directly."
    )


def recognition(request: CoachRequest) -> Message:
    choice = request.text.lower()
    if choice not in ("on", "off"):
        raise TeamError("Use `/coach recognition off` to keep your name out of team posts, `on` to be named again.")
    request.rep.recognition_opt_out = choice == "off"
    if choice == "off":
        return simple(":see_no_evil: Your name stays out of recognition and kudos posts; kudos reach you directly.")
    return simple(":tada: Your wins can be celebrated in your team's channel again.")


def summary(request: CoachRequest) -> Message:
    led = teams_led_by(request.session, request.rep)
    if not led:
        raise TeamError("Weekly summaries are for team leads.")
    week = week_of(request.today)
    stamp = request.deps.now().isoformat()
    for found in led:
        key = f"summary-now:{found.id}:{request.rep.id}:{stamp}"
        queue_summary(session=request.session, deps=request.deps, team=found, lead=request.rep, week=week, key=key)
    request.after.append(lambda: OutboxSender(request.deps).drain(timedelta(seconds=30)))
    return simple(
        f":bar_chart: Your summary for {', '.join(found.name for found in led)} (this week so far) "
        "is on its way to your DMs."
    )


def _require_admin(request: CoachRequest) -> None:
    if not access.may_manage_teams(request.rep):
        raise TeamError(access.NOT_ADMIN)


def _admin_team_and_users(request: CoachRequest, rest: str):
    _require_admin(request)
    name, words = split_name(rest)
    found = find_team(request.session, name, request.rep.workspace_id)
    if found is None:
        raise TeamError(f"There is no team named {name}. `/coach team list` shows them.")
    return found, user_ids(words)


def _rep(request: CoachRequest, user: str):
    return get_or_create_rep(request.session, request.rep.workspace_id, user)


def _mentions(users: list[str]) -> str:
    return ", ".join(mention(user) for user in users)


HANDLERS: dict[str, Handler] = {
    "team": team,
    "admin": admin,
    "kudos": kudos,
    "recognition": recognition,
    "summary": summary,
}
