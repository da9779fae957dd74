"""Keeps a rep's timezone and locale from `users.info`, asking Slack at most once a day per rep."""

from __future__ import annotations

from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from coaching.models import Rep
from coaching.reps import get_or_create_rep, profile_is_stale, update_profile


def rep_with_profile(session: Session, client: WebClient, workspace_id: str, user_id: str, now: datetime) -> Rep:
    rep = get_or_create_rep(session, workspace_id, user_id)
    if profile_is_stale(rep, now):
        user = client.users_info(user=user_id, include_locale=True)["user"]
        update_profile(rep, user.get("tz"), user.get("locale"), now)
    return rep
