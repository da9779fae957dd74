"""Reps as the coaching domain knows them: a Slack user in a workspace, with a timezone, locale and email."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import and_, bindparam, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coaching.db import Statements, insert_skipping_taken
from coaching.models import HelpdeskAgent, Rep

PROFILE_MAX_AGE = timedelta(days=1)
DEFAULT_TZ = "UTC"
# reps.email's width, and the longest address the mail standards allow.
MAX_EMAIL_LENGTH = 254


class RepProfile(NamedTuple):
    """What a typed `/log` needs of a rep: read in one narrow query instead of loading the whole row."""

    id: int
    tz: str | None
    profile_fetched_at: datetime | None
    # For the answer's language (coaching.preferences.language)
    language: str | None
    locale: str | None
    # Whether a helpdesk agent is matched to them (coaching.helpdesk), so /log need not ask; None: not read.
    matched_to_agent: bool | None = None


# Every slash command starts with one of these. Built once, a statement keeps its cache key and compiled form.
_IS_SLACK_USER = and_(Rep.workspace_id == bindparam("workspace_id"), Rep.user_id == bindparam("user_id"))
_REP_BY_SLACK_USER = select(Rep).where(_IS_SLACK_USER)
_PROFILE_BY_SLACK_USER = select(
    Rep.id,
    Rep.tz,
    Rep.profile_fetched_at,
    Rep.language,
    Rep.locale,
    exists().where(HelpdeskAgent.rep_id == Rep.id),
).where(_IS_SLACK_USER)


def find_profile(statements: Statements, workspace_id: str, user_id: str) -> RepProfile | None:
    row = statements.first(_PROFILE_BY_SLACK_USER, _slack_user(workspace_id, user_id))
    if row is None:
        return None
    rep_id, tz, profile_fetched_at, chosen_language, locale, matched = row
    # SQLite gives EXISTS as 0 or 1.
    return RepProfile(rep_id, tz, profile_fetched_at, chosen_language, locale, matched_to_agent=bool(matched))


def _slack_user(workspace_id: str, user_id: str) -> dict[str, str]:
    return {"workspace_id": workspace_id, "user_id": user_id}


def find_rep(session: Session, workspace_id: str, user_id: str) -> Rep | None:
    return session.scalars(_REP_BY_SLACK_USER, _slack_user(workspace_id, user_id)).one_or_none()


def get_or_create_rep(session: Session, workspace_id: str, user_id: str) -> Rep:
    rep = find_rep(session, workspace_id, user_id)
    if rep is not None:
        return rep
    try:
        with session.begin_nested():
            rep = Rep(workspace_id=workspace_id, user_id=user_id)
            session.add(rep)
    except IntegrityError:
        # Another request created the same rep a moment ago.
        rep = session.scalars(_REP_BY_SLACK_USER, _slack_user(workspace_id, user_id)).one()
    return rep


def profile_is_stale(rep: Rep | RepProfile, now: datetime) -> bool:
    fetched = rep.profile_fetched_at
    if fetched is None:
        return True
    if fetched.tzinfo is None:  # SQLite hands back naive datetimes
        fetched = fetched.replace(tzinfo=now.tzinfo)
    return now - fetched > PROFILE_MAX_AGE


def update_profile(
    rep: Rep,
    tz: str | None,
    locale: str | None,
    now: datetime,
    slack_admin: bool | None = None,
    *,
    email: str | None = None,
) -> None:
    """Keeps a fresh Slack profile; `slack_admin` None (Slack did not answer) keeps the stored role and email."""
    for name, value in _profile(tz, locale, now, slack_admin, email).items():
        setattr(rep, name, value)


def add_rep_with_profile(
    session: Session,
    workspace_id: str,
    user_id: str,
    *,
    tz: str | None,
    locale: str | None,
    now: datetime,
    slack_admin: bool | None,
    email: str | None = None,
) -> RepProfile | None:
    """Stores someone new with their Slack profile in one `INSERT`; None if they were stored meanwhile (by their
    own other request), to be read and updated as anyone known is."""
    profile = _profile(tz, locale, now, slack_admin, email)
    connection = session.connection()
    added = connection.execute(
        insert_skipping_taken(connection, Rep, ("workspace_id", "user_id"), returning=("id",)),
        {"workspace_id": workspace_id, "user_id": user_id, **profile},
    ).first()
    # Someone new is matched to no agent yet: a sync or an admin's link matches stored reps only.
    return None if added is None else RepProfile(added.id, _zone(tz), now, None, locale, matched_to_agent=False)


def _profile(
    tz: str | None, locale: str | None, now: datetime, slack_admin: bool | None, email: str | None
) -> dict[str, object]:
    known: dict[str, object] = {"tz": _zone(tz), "locale": locale, "profile_fetched_at": now}
    # Without an answer from Slack the role and email stay as stored.
    return known if slack_admin is None else known | {"slack_admin": slack_admin, "email": _email(email)}


def _email(email: str | None) -> str | None:
    """Lowercased, as helpdesk agents' emails are stored, so matching them is equality; None past the column."""
    email = (email or "").strip().lower()
    return email if email and len(email) <= MAX_EMAIL_LENGTH else None


def _zone(tz: str | None) -> str:
    return tz if tz and _known_zone(tz) else DEFAULT_TZ


def local_today(rep: Rep | RepProfile, now: datetime) -> date:
    return now.astimezone(ZoneInfo(rep.tz or DEFAULT_TZ)).date()


def _known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
