"""The stored schema. Alembic migrations under migrations/ create it; every row is scoped to a workspace."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Constraints and indexes added from now on are named by this convention, so a migration can name what it drops.
# Those that migrations 0001 to 0008 created unnamed keep the names their database gave them (none on SQLite,
# `reps_workspace_id_user_id_key` and the like on PostgreSQL) until a migration renames them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Rep(Base):
    """A Slack user who logs days, with their Slack profile cached."""

    __tablename__ = "reps"
    __table_args__ = (
        UniqueConstraint("workspace_id", "user_id"),
        Index("ix_reps_workspace_id_email", "workspace_id", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    tz: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str | None] = mapped_column(String(16))
    profile_fetched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Coaching preferences; NULL means the default (09:30, Monday to Friday, the Slack locale).
    nudge_time: Mapped[str | None] = mapped_column(String(5))
    work_days: Mapped[str | None] = mapped_column(String(27))
    language: Mapped[str | None] = mapped_column(String(2))
    paused_until: Mapped[date | None] = mapped_column(Date)
    # cycle, daily or weekly (coaching.cycle); NULL means the default, the weekly cycle.
    cadence: Mapped[str | None] = mapped_column(String(8))
    # Slack workspace admins and owners (from users.info), and people an admin named.
    slack_admin: Mapped[bool] = mapped_column(default=False)
    named_admin: Mapped[bool] = mapped_column(default=False)
    recognition_opt_out: Mapped[bool] = mapped_column(default=False)
    home_refreshed_on: Mapped[date | None] = mapped_column(Date)
    # From the Slack profile (scope users:read.email), lowercased; matches the rep to their helpdesk agent.
    email: Mapped[str | None] = mapped_column(String(254))

    @property
    def is_admin(self) -> bool:
        return self.slack_admin or self.named_admin


class DayLog(Base):
    """One rep's outcomes for one day; a figure not logged is NULL, not zero."""

    __tablename__ = "day_logs"
    __table_args__ = (UniqueConstraint("rep_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("reps.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    contacts: Mapped[int | None] = mapped_column(Integer)
    fcr: Mapped[int | None] = mapped_column(Integer)
    repeat: Mapped[int | None] = mapped_column(Integer)
    csat: Mapped[float | None] = mapped_column(Float)
    aht: Mapped[float | None] = mapped_column(Float)
    complaints: Mapped[int | None] = mapped_column(Integer)
    upsells: Mapped[int | None] = mapped_column(Integer)
    crosssells: Mapped[int | None] = mapped_column(Integer)
    referrals: Mapped[int | None] = mapped_column(Integer)
    recommit: Mapped[int | None] = mapped_column(Integer)
    practices: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The figures a helpdesk sync wrote (comma-separated keys) and which helpdesk: they are its to change, not /log's.
    imported_from: Mapped[str | None] = mapped_column(String(16))
    imported_keys: Mapped[str | None] = mapped_column(String(120))


class Team(Base):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(80))
    channel_id: Mapped[str | None] = mapped_column(String(32))
    # Set with `/coach team lang`; NULL means the language of most of its members (coaching.teams.team_language).
    language: Mapped[str | None] = mapped_column(String(2))
    # The figures its members' helpdesk gives (comma-separated keys); NULL means all it can, "" none.
    helpdesk_figures: Mapped[str | None] = mapped_column(String(120))


class TeamMember(Base):
    __tablename__ = "team_members"
    __table_args__ = (Index("ix_team_members_rep", "rep_id"),)

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("reps.id", ondelete="CASCADE"), primary_key=True)
    is_lead: Mapped[bool] = mapped_column(default=False)


class TimeOff(Base):
    __tablename__ = "time_off"

    id: Mapped[int] = mapped_column(primary_key=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("reps.id", ondelete="CASCADE"), index=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)


class TeamHoliday(Base):
    __tablename__ = "team_holidays"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)


# The answers that steer the choice (coaching.nudges.VOTES_FOR and VOTES_AGAINST), for the votes index.
VOTED = "feedback IN ('helpful', 'trying', 'not_for_me', 'no_difference', 'another')"


class Nudge(Base):
    """A coaching nudge given to a rep. A scheduled one has a delivery key, so a rerun cannot give it twice."""

    __tablename__ = "nudges"
    __table_args__ = (
        Index("ix_nudges_rep_date", "rep_id", "local_date"),
        Index(
            "ix_nudges_not_for_me",
            "rep_id",
            "practice_id",
            postgresql_where=text("feedback = 'not_for_me'"),
            sqlite_where=text("feedback = 'not_for_me'"),
        ),
        # Covers coaching.schedule.team_votes: a team's members' answers since a date, read from the index alone.
        Index(
            "ix_nudges_votes",
            "rep_id",
            "local_date",
            "practice_id",
            "feedback",
            postgresql_where=text(VOTED),
            sqlite_where=text(VOTED),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("reps.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    practice_id: Mapped[str | None] = mapped_column(String(80))
    metric: Mapped[str | None] = mapped_column(String(40))
    # The focus metric's figure when the nudge was chosen, so the week's wrap-up can show how it moved.
    focus_value: Mapped[float | None] = mapped_column(Float)
    language: Mapped[str] = mapped_column(String(2))
    local_date: Mapped[date] = mapped_column(Date)
    delivery_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    feedback: Mapped[str | None] = mapped_column(String(16))
    feedback_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    rep: Mapped[Rep] = relationship()


class OutboxMessage(Base):
    """A message to send, written in the same transaction that decided to send it.

    `uncertain` marks a row whose earlier attempt may have reached Slack (a crash or a timeout mid-send):
    before sending it again, the sender looks for its idempotency key in the conversation.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next_attempt", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(32))
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(8))
    attempts: Mapped[int] = mapped_column(default=0)
    uncertain: Mapped[bool] = mapped_column(default=False)
    last_error: Mapped[str | None] = mapped_column(String(200))
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TeamTarget(Base):
    """A team's own target for one metric, overriding the default scorecard."""

    __tablename__ = "team_targets"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    metric: Mapped[str] = mapped_column(String(40), primary_key=True)
    target: Mapped[float] = mapped_column(Float)


class Kudos(Base):
    __tablename__ = "kudos"
    __table_args__ = (
        Index("ix_kudos_giver_day", "giver_id", "given_on"),
        Index("ix_kudos_team_day", "team_id", "given_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    giver_id: Mapped[int] = mapped_column(ForeignKey("reps.id", ondelete="CASCADE"))
    receiver_id: Mapped[int] = mapped_column(ForeignKey("reps.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(300))
    given_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HelpdeskAgent(Base):
    """An agent of a helpdesk, as its last sync listed them, and the rep they are (NULL while unmatched)."""

    __tablename__ = "helpdesk_agents"
    __table_args__ = (
        UniqueConstraint("workspace_id", "source", "agent_id", name="uq_helpdesk_agents_workspace_id"),
        Index("ix_helpdesk_agents_rep_id", "rep_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16))
    agent_id: Mapped[str] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("reps.id", ondelete="SET NULL"))


class HelpdeskLink(Base):
    """An admin's word that the agent with this email is this rep (`/coach helpdesk link`), over the Slack email."""

    __tablename__ = "helpdesk_links"

    workspace_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("reps.id", ondelete="CASCADE"))


class HelpdeskTicket(Base):
    """One ticket as its helpdesk last gave it: a resync replaces the row, so no total counts a ticket twice."""

    __tablename__ = "helpdesk_tickets"
    __table_args__ = (
        UniqueConstraint("workspace_id", "source", "ticket_id", name="uq_helpdesk_tickets_workspace_id"),
        Index("ix_helpdesk_tickets_agent_solved", "workspace_id", "source", "agent_id", "solved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16))
    ticket_id: Mapped[str] = mapped_column(String(40))
    agent_id: Mapped[str | None] = mapped_column(String(40))
    solved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reopened: Mapped[bool]
    at_most_one_reply: Mapped[bool]
    complaint: Mapped[bool]


class HelpdeskRating(Base):
    """One satisfaction rating, counted on the day its ticket was solved, for the agent who solved it."""

    __tablename__ = "helpdesk_ratings"
    __table_args__ = (
        UniqueConstraint("workspace_id", "source", "rating_id", name="uq_helpdesk_ratings_workspace_id"),
        Index("ix_helpdesk_ratings_ticket", "workspace_id", "source", "ticket_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16))
    rating_id: Mapped[str] = mapped_column(String(40))
    ticket_id: Mapped[str] = mapped_column(String(40))
    score: Mapped[float] = mapped_column(Float)
    rated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HelpdeskSync(Base):
    """Where a helpdesk's sync stands: the cursors saved after each page, the last success and the last failure."""

    __tablename__ = "helpdesk_syncs"

    workspace_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    source: Mapped[str] = mapped_column(String(16), primary_key=True)
    # Days before it are never written: the helpdesk gave only the tickets changed since, not whole days.
    backfill_from: Mapped[date] = mapped_column(Date)
    tickets_cursor: Mapped[str | None] = mapped_column(Text)
    ratings_cursor: Mapped[str | None] = mapped_column(Text)
    # The reps' days the pages stored so far touched, as [rep id, "YYYY-MM-DD"] pairs: computed once at the end of
    # the sync (each page recomputing them would read the same tickets again and again), and kept with each
    # page's cursor, so a sync that dies before the end leaves them to the next.
    pending_days: Mapped[list[list[Any]] | None] = mapped_column(JSON)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    succeeded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failure: Mapped[str | None] = mapped_column(String(300))
    # "auth" (credentials refused), "unavailable" (outage or rate limit) or "error"; NULL after a success.
    failure_kind: Mapped[str | None] = mapped_column(String(16))
    # One replica syncs at a time: it holds the lease while it runs.
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
