"""Keeps reps' timezones, locales and emails from `users.info`, asking Slack at most once a day per rep."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.after_answer import after_answer
from bot.slack.lanes import SlackCall, answer_before_answering, in_quick_lane, is_answered, leave_unless_answered
from coaching.db import InTransaction, OnTheirOwn, on_their_own
from coaching.i18n import Language
from coaching.models import Rep
from coaching.preferences import chosen_language, language
from coaching.reps import (
    RepProfile,
    add_rep_with_profile,
    find_profile,
    get_or_create_rep,
    profile_is_stale,
    update_profile,
)

logger = logging.getLogger(__name__)


def rep_with_profile(session: Session, client: WebClient, workspace_id: str, user_id: str, now: datetime) -> Rep:
    """The rep with a timezone and locale: asked of Slack at once for someone new; when the cached profile is over a
    day old, asked after the answer, which meanwhile uses yesterday's (a rep seldom changes timezone overnight)."""
    rep = get_or_create_rep(session, workspace_id, user_id)
    if rep.profile_fetched_at is None:
        refresh_profiles(session, client, [rep], now)
    else:
        _refresh_after_answer_if_stale(_engine(session), client, rep, now)
    return rep


def profile_with_refresh(
    session: Session, client: WebClient, workspace_id: str, user_id: str, now: datetime
) -> RepProfile:
    """As rep_with_profile, for what needs only the rep's id and timezone (a typed `/log`, every few seconds in a
    busy team): one narrow query, without loading the whole rep, unless the rep is new.

    In the quick lane (bot.slack.lanes) nothing waits on Slack, so the query is the session's first. Elsewhere it
    runs on its own (coaching.db.on_their_own), on a connection given back before a new rep's users.info is asked:
    forty new reps logging at once would otherwise hold every pooled connection while Slack answers, and everyone
    else's `/log` would wait for one."""
    statements = InTransaction(session.connection()) if in_quick_lane() else on_their_own(_engine(session))
    profile = find_profile(statements, workspace_id, user_id)
    if profile is None or profile.profile_fetched_at is None:
        asked = ask_slack(client, user_id)
        if profile is None:
            tz, locale, admin, email = (
                (asked.tz, asked.locale, asked.slack_admin, asked.email) if asked else (None, None, None, None)
            )
            added = add_rep_with_profile(
                session, workspace_id, user_id, tz=tz, locale=locale, now=now, slack_admin=admin, email=email
            )
            if added is not None:
                return added
        rep = get_or_create_rep(session, workspace_id, user_id)
        if profile_is_stale(rep, now):  # not fetched meanwhile by the same rep's other request
            _apply(rep, asked, now)
        return RepProfile(rep.id, rep.tz, rep.profile_fetched_at, rep.language, rep.locale)
    _refresh_after_answer_if_stale(_engine(session), client, profile, now)
    return profile


def known_profile(
    statements: OnTheirOwn, client: WebClient, workspace_id: str, user_id: str, now: datetime
) -> RepProfile | None:
    """The profile of a rep whose Slack profile is stored, read on its own (and asked again after the answer when
    over a day old); None for someone whose profile must be asked of Slack first. In the quick lane
    (bot.slack.lanes) that request leaves from here, before anything is kept; when it comes back with Slack's
    answer, or outside the lane, nothing is read here: the caller's transaction reads and stores them."""
    asking = _users_info(client, user_id)
    if not in_quick_lane() or is_answered(asking):
        return None
    profile = find_profile(statements, workspace_id, user_id)
    if profile is None or profile.profile_fetched_at is None:
        leave_unless_answered(asking)  # it has no answer yet, so it leaves
        return None
    _refresh_after_answer_if_stale(statements.engine, client, profile, now)
    return profile


def reader_language(sessions: sessionmaker[Session], client: WebClient, workspace_id: str, user_id: str) -> Language:
    """The language to answer someone in before anything of theirs is stored (a refusal, the help): a rep's own, or
    for someone new their Slack locale, asked without storing it, since a refused request stores nothing."""
    with sessions() as session:
        profile = find_profile(on_their_own(_engine(session)), workspace_id, user_id)
    if profile is not None and (profile.language or profile.profile_fetched_at is not None):
        return language(profile)
    asked = ask_slack(client, user_id)
    return chosen_language(None, asked.locale if asked else None)


def _refresh_after_answer_if_stale(engine: Engine, client: WebClient, rep: Rep | RepProfile, now: datetime) -> None:
    if profile_is_stale(rep, now):
        rep_id = rep.id
        after_answer(lambda: _refresh_later(engine, client, rep_id, now))


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def _refresh_later(engine: Engine, client: WebClient, rep_id: int, now: datetime) -> None:
    with Session(engine) as session, session.begin():
        rep = session.get(Rep, rep_id)
        if rep is not None:  # not erased meanwhile
            refresh_profiles(session, client, [rep], now)


def refresh_profiles(session: Session, client: WebClient, reps: list[Rep], now: datetime) -> None:
    """Asks `users.info` for the reps whose cached profile is over a day old."""
    for rep in reps:
        if profile_is_stale(rep, now):
            _apply(rep, ask_slack(client, rep.user_id), now)


@dataclass(frozen=True)
class SlackProfile:
    tz: str | None
    locale: str | None
    slack_admin: bool
    # Given only with the users:read.email scope (bot.slack.scopes.PROFILE_EMAIL_SCOPE).
    email: str | None = None


def ask_slack(client: WebClient, user_id: str) -> SlackProfile | None:
    """The person's timezone, locale, admin role and email from `users.info`; None when Slack refuses.

    Every request asks it, if at all, before it keeps or sends anything, so one in the quick lane leaves it here
    to have it asked (bot.slack.lanes)."""
    return answer_before_answering(_users_info(client, user_id))


def _users_info(client: WebClient, user_id: str) -> SlackCall[SlackProfile | None]:
    return SlackCall(("users.info", user_id), lambda: _profile_from_slack(client, user_id))


def _profile_from_slack(client: WebClient, user_id: str) -> SlackProfile | None:
    try:
        user = client.users_info(user=user_id, include_locale=True)["user"]
    except SlackApiError as error:
        logger.warning("users.info failed for %s: %s", user_id, error.response.get("error"))
        return None
    slack_admin = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
    return SlackProfile(user.get("tz"), user.get("locale"), slack_admin, (user.get("profile") or {}).get("email"))


def _apply(rep: Rep, asked: SlackProfile | None, now: datetime) -> None:
    if asked is None:
        # Keep what we had (or UTC); ask again tomorrow rather than on every request.
        update_profile(rep, rep.tz, rep.locale, now)
    else:
        update_profile(rep, asked.tz, asked.locale, now, asked.slack_admin, email=asked.email)
