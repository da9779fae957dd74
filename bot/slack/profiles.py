"""Keeps reps' timezones and locales from `users.info`, asking Slack at most once a day per rep."""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.after_answer import after_answer
from coaching.models import Rep
from coaching.reps import RepProfile, find_profile, get_or_create_rep, profile_is_stale, update_profile

logger = logging.getLogger(__name__)


def rep_with_profile(session: Session, client: WebClient, workspace_id: str, user_id: str, now: datetime) -> Rep:
    """The rep with a timezone and locale: asked of Slack at once for someone new; when the cached profile is over a
    day old, asked after the answer, which meanwhile uses yesterday's (a rep seldom changes timezone overnight)."""
    rep = get_or_create_rep(session, workspace_id, user_id)
    if rep.profile_fetched_at is None:
        refresh_profiles(session, client, [rep], now)
    else:
        _refresh_after_answer_if_stale(session, client, rep, now)
    return rep


def profile_with_refresh(
    session: Session, client: WebClient, workspace_id: str, user_id: str, now: datetime
) -> RepProfile:
    """As rep_with_profile, for what needs only the rep's id and timezone (a typed `/log`, every few seconds in a
    busy team): one narrow query, without loading the whole rep, unless the rep is new."""
    profile = find_profile(session.connection(), workspace_id, user_id)
    if profile is None or profile.profile_fetched_at is None:
        rep = rep_with_profile(session, client, workspace_id, user_id, now)
        return RepProfile(rep.id, rep.tz, rep.profile_fetched_at)
    _refresh_after_answer_if_stale(session, client, profile, now)
    return profile


def _refresh_after_answer_if_stale(session: Session, client: WebClient, rep: Rep | RepProfile, now: datetime) -> None:
    if profile_is_stale(rep, now):
        engine, rep_id = session.get_bind(), rep.id
        after_answer(lambda: _refresh_later(engine, client, rep_id, now))


def _refresh_later(engine: Engine, client: WebClient, rep_id: int, now: datetime) -> None:
    with Session(engine) as session, session.begin():
        rep = session.get(Rep, rep_id)
        if rep is not None:  # not erased meanwhile
            refresh_profiles(session, client, [rep], now)


def refresh_profiles(session: Session, client: WebClient, reps: list[Rep], now: datetime) -> None:
    """Asks `users.info` for the reps whose cached profile is over a day old."""
    for rep in reps:
        if not profile_is_stale(rep, now):
            continue
        try:
            user = client.users_info(user=rep.user_id, include_locale=True)["user"]
        except SlackApiError as error:
            # Keep what we had (or UTC); ask again tomorrow rather than on every request.
            logger.warning("users.info failed for %s: %s", rep.user_id, error.response.get("error"))
            update_profile(rep, rep.tz, rep.locale, now)
            continue
        slack_admin = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
        update_profile(rep, user.get("tz"), user.get("locale"), now, slack_admin)
